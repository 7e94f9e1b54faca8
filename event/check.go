package event

// Check is what strict mode asks of a record no detection can match,
// which is therefore not decoded: that it is one well-formed JSON object
// and says what kind of record it is. It returns the record's kind, as
// [KindOf] tells it, or "" when the record does not say (no category, no
// Type, no key that tells a Graph resource apart) or holds a \u00
// escape in a string (which can hide a key, a category, or a literal a
// byte search looks for): only its decoder can then judge it. For a record that is not a well-formed object,
// it returns the *DecodeError that [Reader.Decode] reports for the same
// syntax problem (same message, line, offset, encoding, CSV column as
// Decode's). It decodes nothing and allocates nothing for a well-formed
// record.
//
// Check holds a record to JSON's grammar where decoding may not: the
// decoder passes over some malformed values of fields it does not read,
// which Check refuses. One difference in what is said: a problem inside
// a Log Analytics dynamic column (Status, DeviceDetail, ...) that the
// decoder passed over is reported by Decode from the column (goccy's
// message, or an offset from the record's start), by Check at the
// problem, in the same column. Like Decode, Check does not change the
// Reader and is safe for concurrent use.
func (r *Reader) Check(rec Record) (kind string, err error) {
	ok, escaped := wellFormedEscaped(rec.Data)
	if !ok {
		// Rare: say what is wrong exactly as decoding does, from the text
		// the sign-in decoders read (its replaced UTF-8 and masked keys
		// show in the message as they do in Decode's).
		return "", r.fixDecodeError(rec, syntaxError(r.Name, rec, keySets))
	}
	if escaped {
		return "", nil // an escape can hide a key or a value: only a decoder can tell
	}
	kind, said := kindOf(rec)
	if !said {
		return "", nil
	}
	return kind, nil
}
