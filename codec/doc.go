// Package codec converts between IMAP bytes and wire values, in both
// directions.
package codec
