package client

import (
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// registerBase installs the base protocol's state keeping (RFC 9051,
// RFC 3501) as reader-side hooks, the same way an extension installs its
// own. It runs before any Extension, so an extension's hooks see the
// state the base protocol left.
func registerBase(r *Registry) {
	r.OnUntagged("CAPABILITY", func(h *Hook, resp *wire.Response) {
		h.c.setCapsLocked(dataStrings(resp.Data))
	})
	r.OnUntagged("ENABLED", func(h *Hook, resp *wire.Response) {
		c := h.c
		for _, s := range dataStrings(resp.Data) {
			c.enabled[strings.Clone(strings.ToUpper(s))] = true
		}
		// From the next response on, mailbox names are UTF-8 (RFC 6855
		// §3); hooks run on the reader goroutine, which owns the decoder.
		if c.enabled["UTF8=ACCEPT"] || c.enabled["IMAP4REV2"] {
			c.dec.SetUTF8(true)
		}
		c.updateEncoderLocked()
	})
	r.OnUntagged("EXISTS", func(h *Hook, resp *wire.Response) {
		if m := h.Mailbox(); m != nil {
			m.Exists = resp.Num
			h.news(MailboxEvent{Kind: EventExists, Num: resp.Num})
		}
	})
	r.OnUntagged("RECENT", func(h *Hook, resp *wire.Response) {
		if m := h.Mailbox(); m != nil {
			m.Recent = resp.Num
			h.news(MailboxEvent{Kind: EventRecent, Num: resp.Num})
		}
	})
	r.OnUntagged("EXPUNGE", func(h *Hook, resp *wire.Response) {
		if m := h.Mailbox(); m != nil {
			if m.Exists > 0 {
				m.Exists--
			}
			h.news(MailboxEvent{Kind: EventExpunge, Num: resp.Num})
		}
	})
	r.OnUntagged("FLAGS", func(h *Hook, resp *wire.Response) {
		if m := h.Mailbox(); m != nil {
			m.Flags = cloneStrings(dataStrings(resp.Data))
			h.news(MailboxEvent{Kind: EventFlags})
		}
	})

	r.OnCode("CAPABILITY", func(h *Hook, resp *wire.Response) {
		h.c.setCapsLocked(codeStrings(resp.Code))
	})
	r.OnCode("UIDVALIDITY", func(h *Hook, resp *wire.Response) {
		m := codeMailbox(h, resp)
		if m == nil {
			return
		}
		if n, ok := codeUint(resp.Code); ok {
			old := m.UIDValidity
			m.UIDValidity = uint32(n)
			if !h.Selecting() && old != 0 && old != uint32(n) {
				h.Emit(MailboxEvent{Kind: EventUIDValidity, Num: uint32(n), Old: old})
			}
		}
	})
	r.OnCode("UIDNEXT", func(h *Hook, resp *wire.Response) {
		if m := codeMailbox(h, resp); m != nil {
			if n, ok := codeUint(resp.Code); ok {
				m.UIDNext = uint32(n)
			}
		}
	})
	r.OnCode("UNSEEN", func(h *Hook, resp *wire.Response) {
		if m := codeMailbox(h, resp); m != nil {
			if n, ok := codeUint(resp.Code); ok {
				m.Unseen = uint32(n)
			}
		}
	})
	r.OnCode("PERMANENTFLAGS", func(h *Hook, resp *wire.Response) {
		if m := codeMailbox(h, resp); m != nil {
			m.PermanentFlags = cloneStrings(codeStrings(resp.Code))
		}
	})
	access := func(h *Hook, resp *wire.Response) {
		m := codeMailbox(h, resp)
		if m == nil {
			return
		}
		ro := resp.Code.Name == "READ-ONLY"
		if !h.Selecting() && ro != m.ReadOnly {
			h.Emit(MailboxEvent{Kind: EventAccess})
		}
		m.ReadOnly = ro
	}
	r.OnCode("READ-ONLY", access)
	r.OnCode("READ-WRITE", access)
	// RFC 9051 §7.1 (and RFC 7162 §3.2.11): the previously selected
	// mailbox is closed; what follows belongs to the one being selected.
	r.OnCode("CLOSED", func(h *Hook, resp *wire.Response) {
		c := h.c
		if codeMailbox(h, resp) == nil || c.prevMbox == nil {
			return
		}
		old := c.prevMbox
		c.prevMbox = nil
		h.Emit(MailboxEvent{Kind: EventClosed, Mailbox: old})
	})
}

// news emits ev unless a SELECT is in flight (its responses describe the
// new mailbox; they are no news).
func (h *Hook) news(ev MailboxEvent) {
	if !h.Selecting() {
		h.Emit(ev)
	}
}

// codeMailbox returns the mailbox a response code describes: the selected
// one, unless the code comes with BYE.
func codeMailbox(h *Hook, resp *wire.Response) *Mailbox {
	if resp.Status == wire.StatusBye {
		return nil
	}
	return h.Mailbox()
}
