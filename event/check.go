package event

// TEMPORARY stand-in for the validator branch's Check (same contract).

// Check is what strict mode asks of a record no detection can match,
// which is therefore not decoded: that it is one well-formed JSON object
// and says what kind of record it is. It returns the record's kind, as
// [KindOf] tells it, or "" when the record does not say (no category, no
// Type, no key that tells a Graph resource), which only its decoder can
// then judge; or the *DecodeError that Decode reports for the same syntax
// problem. It allocates nothing for a well-formed record.
func (r *Reader) Check(rec Record) (kind string, err error) {
	if !wellFormed(rec.Data) {
		var ev SignInEvent
		return "", r.Decode(rec, &ev)
	}
	kind, said := kindOf(rec)
	if !said {
		return "", nil
	}
	return kind, nil
}
