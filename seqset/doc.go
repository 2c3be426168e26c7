// Package seqset implements IMAP sequence sets and UID sets
// (RFC 9051 §9 "sequence-set", RFC 3501 §9 and §6.4.8).
//
// A [Set] is stored as sorted, merged, non-overlapping ranges of numbers
// from 1 to 4294967295, so "1:4294967295" costs one range. The zero Set is
// the empty set, ready to use.
//
// # The "*" member
//
// "*" stands for the largest number in use (RFC 9051 §9 "seq-number"): the
// number of messages for message sequence numbers, the highest UID for UID
// sets. It is not known until a mailbox is looked at, so a Set keeps it
// symbolically, in two forms: the bare "*", and a range "n:*" (written
// "*:n" too: the range is unordered and means every number between n and
// "*", whichever is larger). [Set.String] prints them back, [Set.Union]
// merges them exactly, and [Set.Resolve] replaces "*" by a given maximum.
// Several "n:*" ranges collapse into one, as the rule above implies:
// "2:*,7:*" is the same set as "2:6,7:*" for every value of "*".
//
// The number Star (0, which is not a valid number) stands for "*" where a
// number is expected: Add(Star) adds "*", AddRange(5, Star) adds "5:*", and
// [Set.Ranges] yields Range{5, Star} for "5:*".
//
// Before it is resolved, a set is only sure to contain its listed numbers
// and n for each "n:*" (every "n:*" includes n, whatever "*" is).
// [Set.Contains], [Set.Count], [Set.All], [Set.Intersect] and
// [Set.Difference] see exactly those numbers; call Resolve first to include
// the rest.
//
// # The "$" member
//
// "$" (RFC 5182 §3 "seq-last-command") refers to the result saved by a
// SEARCH RETURN (SAVE) command. Its numbers are known only to the server.
// RFC 5182 §3 adds "$" as an alternative to a whole sequence-set, and its
// examples combine "$" with numbers through SEARCH OR, not within one set
// (§2.2, example 4); so a Set is either "$" (see
// [SavedResult] and [Set.IsSavedResult]) or a set of numbers and "*":
// [Parse] rejects "$" combined with anything else, and Add, AddRange,
// AddSet and Union panic rather than combine "$" with other members
// (check IsSavedResult first). For Contains, Count, All, Intersect and
// Difference, "$" holds no numbers.
//
// # Copying
//
// A Set holds a slice: assigning a Set shares its ranges, as with a slice,
// and Add, AddRange and AddSet modify them in place. Use [Set.Clone] for an
// independent copy. Methods that return a Set never share storage with
// their receiver or argument.
package seqset
