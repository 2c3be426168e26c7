package corpus

import (
	"errors"
	"fmt"
	"io"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// CodecDecoder returns imapkit's own response decoder (package codec)
// behind the Decoder interface: generic value trees (an empty registry),
// with every response also checked by the base protocol's parsers
// (codec.ValidatingDecoder), so that a malformed FETCH or LIST is an
// error; strict rejects the documented deviations of real servers
// (DecoderOptions.Strict). It is the reference that wrote the golden
// files, and an example of a converter into the neutral form.
func CodecDecoder(strict bool) Decoder {
	return DecoderFunc(func(r io.Reader) ([]Response, error) {
		d := codec.NewValidatingDecoder(r, &codec.DecoderOptions{
			Registry: codec.NewRegistry(),
			Strict:   strict,
		}, codec.NewBaseRegistry())
		defer d.Close()
		var out []Response
		for {
			resp, err := d.ReadResponse()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return out, err
			}
			n, err := FromWire(resp)
			if err != nil {
				return out, err
			}
			out = append(out, n)
		}
	})
}

// FromWire converts a response that imapkit's codec decoded with an
// empty registry (generic trees, literals not streamed) into the neutral
// form.
func FromWire(r *wire.Response) (Response, error) {
	n := Response{Tag: r.Tag, Text: r.Text}
	switch r.Kind {
	case wire.StatusResponse:
		n.Kind, n.Status = KindStatus, r.Status.String()
	case wire.DoneResponse:
		n.Kind, n.Status = KindDone, r.Status.String()
	case wire.ContinueResponse:
		n.Kind = KindContinue
	case wire.DataResponse:
		n.Kind, n.Name, n.Num, n.HasNum, n.Text = KindData, r.Name, r.Num, r.HasNum, ""
		switch d := r.Data.(type) {
		case nil:
		case []wire.Value:
			vs, err := fromWireValues(d)
			if err != nil {
				return n, err
			}
			n.Data = vs
		default:
			return n, fmt.Errorf("corpus: %s data is %T, not a generic tree (decode with an empty registry)", r.Name, r.Data)
		}
	default:
		return n, fmt.Errorf("corpus: unknown response kind %v", r.Kind)
	}
	if r.Code != nil {
		if r.Code.Data != nil {
			return n, fmt.Errorf("corpus: code %s has typed data %T (decode with an empty registry)", r.Code.Name, r.Code.Data)
		}
		args, err := fromWireValues(r.Code.Args)
		if err != nil {
			return n, err
		}
		n.Code = &Code{Name: r.Code.Name, Args: args}
	}
	return n, nil
}

var errStreamed = errors.New("corpus: a literal was streamed; its contents are unknown")

func fromWireValues(vs []wire.Value) ([]Value, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	out := make([]Value, len(vs))
	for i := range vs {
		v, err := fromWire(&vs[i])
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func fromWire(v *wire.Value) (Value, error) {
	switch v.Kind {
	case wire.KindNil:
		return NilValue(), nil
	case wire.KindAtom:
		return AtomValue(v.Str), nil
	case wire.KindNumber:
		return NumberValue(v.Num), nil
	case wire.KindString:
		if v.Streamed {
			return Value{}, errStreamed
		}
		return Value{Kind: String, Str: v.Str, Binary: v.Form == wire.FormLiteral8}, nil
	case wire.KindList:
		l, err := fromWireValues(v.List)
		if err != nil {
			return Value{}, err
		}
		if l == nil {
			l = []Value{}
		}
		return Value{Kind: List, List: l}, nil
	}
	return Value{}, fmt.Errorf("corpus: value of kind %v in a response", v.Kind)
}
