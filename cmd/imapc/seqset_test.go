package main

import "testing"

func TestSeqset(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"canonical", []string{"7,1:4,3,5"}},
		{"reversed_range", []string{"9:2"}},
		{"star", []string{"10:*,2"}},
		{"bare_star", []string{"*"}},
		{"resolved", []string{"-max", "20", "10:*,2"}},
		{"resolved_small", []string{"-max", "5", "10:*"}},
		{"full_range", []string{"1:4294967295"}},
		{"saved", []string{"$"}},
		{"zero", []string{"0"}},
		{"garbage", []string{"1,,2"}},
		{"max_too_large", []string{"-max", "4294967296", "1"}},
		{"no_args", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, "seqset/"+tt.name, imapc("", append([]string{"seqset"}, tt.args...)...))
		})
	}
}
