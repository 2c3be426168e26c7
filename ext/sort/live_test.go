package sort_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/sort"
)

// liveMessages are four messages: subjects b, a, Re: a (a reply to the
// second), c; growing sizes; From display names z, y, x, w.
func liveMessages() []string {
	subj := []string{"b", "a", "Re: a", "c"}
	names := []string{"Zed", "Yan", "Xia", "Wes"}
	var out []string
	for i := range 4 {
		m := fmt.Sprintf("From: %s <%c@example.com>\r\nTo: rcpt@example.org\r\nSubject: %s\r\n"+
			"Date: Mon, %d Jan 2006 15:04:05 +0000\r\nMessage-ID: <sort%d@example.com>\r\n", names[i], 'a'+i, subj[i], 2+i, i+1)
		if i == 2 {
			m += "In-Reply-To: <sort2@example.com>\r\nReferences: <sort2@example.com>\r\n"
		}
		out = append(out, m+"\r\n"+strings.Repeat("body ", 100*(i+1))+"\r\n")
	}
	return out
}

// liveThreads are the THREAD= algorithms each server advertises.
var liveThreads = map[string][]string{
	"dovecot": {sort.OrderedSubject, sort.References, sort.Refs},
	"cyrus":   {sort.OrderedSubject, sort.References, sort.Refs},
	"courier": {sort.OrderedSubject, sort.References},
}

// Dovecot 2.3 and Cyrus 3.6 offer SORT, SORT=DISPLAY and THREAD=REFERENCES,
// REFS and ORDEREDSUBJECT; Courier 5.0 SORT and THREAD=ORDEREDSUBJECT,
// REFERENCES.
func TestLiveSortThread(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{sort.Install}}, []string{"SORT"}, testLiveSortThread)
}

func testLiveSortThread(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-sort")
	for _, m := range liveMessages() {
		if _, err := c.Append(ctx, mbox, strings.NewReader(m), int64(len(m)), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	sortCases := []struct {
		crit []sort.Criterion
		want []uint32
	}{
		{sort.By(sort.Subject), []uint32{2, 3, 1, 4}},
		{[]sort.Criterion{{Key: sort.Size, Reverse: true}}, []uint32{4, 3, 2, 1}},
		{sort.By(sort.Date), []uint32{1, 2, 3, 4}},
		{sort.By(sort.From), []uint32{1, 2, 3, 4}},
		{sort.By(sort.Subject, sort.Date), []uint32{2, 3, 1, 4}},
	}
	if env.Name == "courier" {
		// Courier 5.0 does not break the tie between equal base subjects
		// ("a" and "Re: a") by sequence number, as RFC 5256 §3 requires:
		//   C: t7 SORT (SUBJECT) US-ASCII ALL
		//   S: * SORT 3 2 1 4
		// while SORT (SUBJECT DATE) gives 2 3 1 4.
		sortCases[0].want = []uint32{3, 2, 1, 4}
	}
	if ok, _ := c.Has(ctx, "SORT=DISPLAY"); ok {
		sortCases = append(sortCases, struct {
			crit []sort.Criterion
			want []uint32
		}{sort.By(sort.DisplayFrom), []uint32{4, 3, 2, 1}})
	} else if env.Name != "courier" {
		t.Errorf("%s does not advertise SORT=DISPLAY", env.Name)
	}
	for _, tc := range sortCases {
		d, err := sort.Sort(ctx, c, tc.crit, nil, nil)
		if err != nil {
			t.Fatalf("SORT %v: %v", tc.crit, err)
		}
		if !reflect.DeepEqual(d.Nums, tc.want) {
			t.Errorf("SORT %v = %v; want %v", tc.crit, d.Nums, tc.want)
		}
	}
	d, err := sort.UIDSort(ctx, c, sort.By(sort.Subject), &client.SearchCriteria{Header: []client.SearchHeader{{Key: "Subject", Value: "a"}}}, nil)
	if err != nil || len(d.Nums) != 2 {
		t.Errorf("UID SORT SUBJECT a = %+v, %v; want 2 UIDs", d, err)
	}

	algs, err := sort.Algorithms(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range liveThreads[env.Name] {
		if !slices.Contains(algs, alg) {
			t.Errorf("Algorithms = %v; missing %s", algs, alg)
			continue
		}
		th, err := sort.Threads(ctx, c, alg, nil, nil)
		if err != nil {
			t.Fatalf("THREAD %s: %v", alg, err)
		}
		var all []uint32
		var replyParent uint32
		for i := range th {
			th[i].Walk(func(n, parent uint32, _ int) bool {
				all = append(all, n)
				if n == 3 {
					replyParent = parent
				}
				return true
			})
		}
		slices.Sort(all)
		if !reflect.DeepEqual(all, []uint32{1, 2, 3, 4}) || replyParent != 2 || len(th) != 3 {
			t.Errorf("THREAD %s = %v: messages %v, parent of 3 = %d; want 3 threads, 3 under 2", alg, th, all, replyParent)
		}
	}
	if th, err := sort.UIDThreads(ctx, c, sort.References, &client.SearchCriteria{Text: []string{"no such text anywhere"}}, nil); err != nil || len(th) != 0 {
		t.Errorf("UID THREAD of nothing = %v, %v", th, err)
	}
}
