package codec

import (
	"github.com/imapkit/imapkit/wire"
)

// RegisterBase installs the parsers of the base protocol (RFC 3501 and
// RFC 9051) into r, the same way an extension installs its own:
//
// Data responses, with the type of Response.Data:
//
//	FETCH                *wire.FetchData
//	LIST, LSUB           *wire.ListData
//	STATUS               *wire.StatusData
//	SEARCH               *wire.SearchData
//	ESEARCH              *wire.ESearchData (RFC 4731, RFC 9051)
//	NAMESPACE            *wire.NamespaceData
//	FLAGS                []string
//	CAPABILITY, ENABLED  []string
//	ID                   map[string]string (RFC 2971; nil for NIL)
//	EXISTS, RECENT, EXPUNGE  nil (the number is Response.Num)
//
// Response codes, with the type of Code.Data: CAPABILITY []string,
// PERMANENTFLAGS []string, BADCHARSET []string, UIDNEXT, UIDVALIDITY and
// UNSEEN uint32, APPENDUID *wire.AppendUID, COPYUID *wire.CopyUID, and
// the codes without arguments (ALERT, PARSE, READ-ONLY, READ-WRITE,
// TRYCREATE, UIDNOTSTICKY, and those of RFC 9051 §7.1 / RFC 5530) with
// Data nil.
//
// FETCH items: UID, FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY,
// BODYSTRUCTURE, BODY[section]<origin>, BINARY[section]<origin>,
// BINARY.SIZE[section], RFC822, RFC822.HEADER and RFC822.TEXT, stored in
// the fields of wire.FetchData.
func RegisterBase(r *Registry) {
	r.Data("FETCH", parseFetch)
	r.Data("LIST", parseList)
	r.Data("LSUB", parseList)
	r.Data("STATUS", parseStatus)
	r.Data("SEARCH", parseSearch)
	r.Data("ESEARCH", parseESearch)
	r.Data("NAMESPACE", parseNamespace)
	r.Data("FLAGS", parseFlagsData)
	r.Data("CAPABILITY", parseCapabilityData)
	r.Data("ENABLED", parseCapabilityData)
	r.Data("ID", parseID)
	r.Data("EXISTS", parseNumbered)
	r.Data("RECENT", parseNumbered)
	r.Data("EXPUNGE", parseNumbered)

	r.Code("CAPABILITY", parseCapabilityCode)
	r.Code("PERMANENTFLAGS", parseFlagsCode)
	r.Code("BADCHARSET", parseBadCharset)
	r.Code("UIDNEXT", parseNumberCode)
	r.Code("UIDVALIDITY", parseNumberCode)
	r.Code("UNSEEN", parseNumberCode)
	r.Code("APPENDUID", parseAppendUID)
	r.Code("COPYUID", parseCopyUID)
	for _, name := range noArgCodes {
		r.Code(name, parseNoArgCode)
	}

	r.baseFetchItem("UID", fetchItemParser(itemUID), itemUID)
	r.baseFetchItem("FLAGS", fetchItemParser(itemFlags), itemFlags)
	r.baseFetchItem("INTERNALDATE", fetchItemParser(itemInternalDate), itemInternalDate)
	r.baseFetchItem("RFC822.SIZE", fetchItemParser(itemRFC822Size), itemRFC822Size)
	r.baseFetchItem("ENVELOPE", fetchItemParser(itemEnvelope), itemEnvelope)
	r.baseFetchItem("BODY", fetchItemParser(itemBody), itemBody)
	r.baseFetchItem("BODYSTRUCTURE", fetchItemParser(itemBodyStructure), itemBodyStructure)
	r.baseFetchItem("BINARY", fetchItemParser(itemBinary), itemBinary)
	r.baseFetchItem("BINARY.SIZE", fetchItemParser(itemBinarySize), itemBinarySize)
	r.baseFetchItem("RFC822", fetchItemParser(itemRFC822), itemRFC822)
	r.baseFetchItem("RFC822.HEADER", fetchItemParser(itemRFC822), itemRFC822)
	r.baseFetchItem("RFC822.TEXT", fetchItemParser(itemRFC822), itemRFC822)

	// The encoders paired with the parsers above, for the
	// ResponseEncoder.
	r.EncodeData("FETCH", encodeFetchData)
	r.EncodeData("LIST", encodeListData)
	r.EncodeData("LSUB", encodeListData)
	r.EncodeData("STATUS", encodeStatusData)
	r.EncodeData("SEARCH", encodeSearchData)
	r.EncodeData("ESEARCH", encodeESearchData)
	r.EncodeData("NAMESPACE", encodeNamespaceData)
	r.EncodeData("FLAGS", encodeFlagsData)
	r.EncodeData("CAPABILITY", encodeAtomsData)
	r.EncodeData("ENABLED", encodeAtomsData)
	r.EncodeData("ID", encodeIDData)

	r.EncodeCode("CAPABILITY", encodeCapabilityCode)
	r.EncodeCode("PERMANENTFLAGS", encodeFlagsCode)
	r.EncodeCode("BADCHARSET", encodeBadCharset)
	r.EncodeCode("UIDNEXT", encodeNumberCode)
	r.EncodeCode("UIDVALIDITY", encodeNumberCode)
	r.EncodeCode("UNSEEN", encodeNumberCode)
	r.EncodeCode("APPENDUID", encodeAppendUID)
	r.EncodeCode("COPYUID", encodeCopyUID)

	for _, name := range []string{"UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE",
		"ENVELOPE", "BODY", "BODYSTRUCTURE", "BINARY", "BINARY.SIZE",
		"RFC822", "RFC822.HEADER", "RFC822.TEXT"} {
		r.EncodeFetchItem(name, encodeBaseItem)
	}
}

// noArgCodes are the response codes without arguments of RFC 3501 §7.1,
// RFC 4315 (UIDNOTSTICKY), RFC 5530 and RFC 9051 §7.1.
var noArgCodes = []string{
	"ALERT", "PARSE", "READ-ONLY", "READ-WRITE", "TRYCREATE",
	"UIDNOTSTICKY", "UNAVAILABLE", "AUTHENTICATIONFAILED",
	"AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED", "CONTACTADMIN",
	"NOPERM", "INUSE", "EXPUNGEISSUED", "CORRUPTION", "SERVERBUG",
	"CLIENTBUG", "CANNOT", "LIMIT", "OVERQUOTA", "ALREADYEXISTS",
	"NONEXISTENT", "NOTSAVED", "HASCHILDREN", "CLOSED", "UNKNOWN-CTE",
}

// parseNumbered parses EXISTS, RECENT and EXPUNGE (RFC 9051 §7.4.1,
// §7.3.2, RFC 3501 §7.3.2): the number comes before the name and
// nothing follows it.
func parseNumbered(p *Parser, resp *wire.Response) (any, error) {
	if !resp.HasNum || (resp.Num == 0 && p.strict && resp.Name == "EXPUNGE") {
		return nil, p.SyntaxError("number before " + resp.Name)
	}
	return nil, nil
}

// parseFlagsData parses "FLAGS" SP flag-list (RFC 9051 §7.3.5).
func parseFlagsData(p *Parser, _ *wire.Response) (any, error) {
	return p.ReadFlagList()
}

// parseCapabilityData parses the capabilities of a CAPABILITY response
// (RFC 9051 §7.2.2) or an ENABLED response (RFC 5161 §4). The names are
// kept as sent.
func parseCapabilityData(p *Parser, _ *wire.Response) (any, error) {
	return p.capabilities()
}

func (p *Parser) capabilities() ([]string, error) {
	var caps []string
	for !p.AtEnd() && p.line[p.pos] != ']' {
		b, err := p.ReadAtomBytes()
		if err != nil {
			return nil, err
		}
		caps = append(caps, p.intern(b))
		if p.AtEnd() || p.line[p.pos] == ']' {
			break
		}
		if err := p.spaces(); err != nil {
			return nil, err
		}
		if p.strict && (p.AtEnd() || p.line[p.pos] == ']') {
			return nil, p.SyntaxError("capability")
		}
		if len(caps) >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
	}
	if caps == nil {
		caps = []string{}
	}
	return caps, nil
}

// parseID parses "ID" SP ("(" string SP nstring *(SP string SP nstring)
// ")" / NIL) (RFC 2971 §3.2). Field names are kept as sent; NIL values
// are "".
func parseID(p *Parser, _ *wire.Response) (any, error) {
	if p.ReadNil() {
		return map[string]string(nil), nil
	}
	m := map[string]string{}
	odd := false
	var key string
	err := p.ReadList(func(p *Parser) error {
		odd = !odd
		if odd {
			k, err := p.ReadString()
			key = k
			return err
		}
		v, _, err := p.ReadNString()
		m[key] = v
		return err
	})
	if err == nil && odd {
		return nil, p.errAt(p.pos-1, "nstring")
	}
	return m, err
}
