package seqset_test

import (
	"errors"
	"fmt"

	"github.com/imapkit/imapkit/seqset"
)

func ExampleParse() {
	s, err := seqset.Parse("7,1:3,4,10:8")
	if err != nil {
		panic(err)
	}
	fmt.Println(s, s.Count(), s.Contains(9), s.Contains(5))
	// Output: 1:4,7:10 8 true false
}

func ExampleParse_error() {
	_, err := seqset.Parse("1:5,,9")
	var se *seqset.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Offset, se.Reason)
	}
	fmt.Println(err)
	// Output:
	// 4 empty element
	// seqset: invalid sequence set at offset 4: empty element (near "1:5,,9")
}

func ExampleSet_Add() {
	var uids seqset.Set // the zero Set is empty and ready to use
	for _, uid := range []uint32{12, 10, 11, 42, 13} {
		uids.Add(uid)
	}
	uids.AddRange(100, 90)
	fmt.Println(uids)
	// Output: 10:13,42,90:100
}

// "*" is the largest number in use; a set keeps it until it is resolved.
func ExampleSet_Resolve() {
	s := seqset.MustParse("1,5:*")
	fmt.Println(s, s.Dynamic())
	fmt.Println(s.Resolve(9))  // a mailbox with 9 messages
	fmt.Println(s.Resolve(3))  // "5:*" is 3:5 when * is 3 (RFC 3501 §6.4.8)
	fmt.Println(s.Contains(5)) // in "5:*" whatever "*" is
	fmt.Println(s.Contains(7)) // only if "*" is at least 7
	// Output:
	// 1,5:* true
	// 1,5:9
	// 1,3:5
	// true
	// false
}

func ExampleSet_AddRange_star() {
	var s seqset.Set
	s.AddRange(seqset.Star, 20) // "*:20", the same as "20:*"
	s.Add(3)
	fmt.Println(s)
	// Output: 3,20:*
}

func ExampleSavedResult() {
	s := seqset.SavedResult()
	fmt.Println(s, s.IsSavedResult(), s.Dynamic())

	_, err := seqset.Parse("$,1")
	fmt.Println(err)
	// Output:
	// $ true true
	// seqset: invalid sequence set at offset 1: "$" must stand alone (RFC 5182 §3) (near "$,1")
}

func ExampleSet_Union() {
	a := seqset.MustParse("1:5,9")
	b := seqset.MustParse("4:7,20")
	fmt.Println(a.Union(b))
	fmt.Println(a.Intersect(b))
	fmt.Println(a.Difference(b))
	// Output:
	// 1:7,9,20
	// 4:5
	// 1:3,9
}

func ExampleSet_All() {
	for n := range seqset.MustParse("3:5,8").All() {
		fmt.Print(n, " ")
	}
	fmt.Println()
	// Output: 3 4 5 8
}

func ExampleSet_Ranges() {
	for r := range seqset.MustParse("1:4,7,9:*").Ranges() {
		if r.Stop == seqset.Star {
			fmt.Printf("%d to *\n", r.Start)
		} else {
			fmt.Printf("%d to %d\n", r.Start, r.Stop)
		}
	}
	// Output:
	// 1 to 4
	// 7 to 7
	// 9 to *
}

func ExampleSet_AppendString() {
	s := seqset.MustParse("1:100,200")
	cmd := []byte("A1 UID FETCH ")
	cmd = s.AppendString(cmd)
	cmd = append(cmd, " (FLAGS)"...)
	fmt.Println(string(cmd))
	// Output: A1 UID FETCH 1:100,200 (FLAGS)
}
