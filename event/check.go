package event

// Check reports whether rec is what strict decoding requires of every
// record before its schema is read: one well-formed JSON object. It
// returns nil, or the *DecodeError that Reader.Decode would report for the
// same syntax problem (same message, line, offset, encoding, CSV column
// mapping as Decode's). It decodes nothing and allocates nothing for a
// well-formed record.
//
// Check holds a record to JSON's grammar where decoding may not: the
// decoder passes over some malformed values of fields it does not read,
// which Check refuses. One difference in what is said: a problem inside
// a Log Analytics dynamic column (Status, DeviceDetail, ...) that the
// decoder passed over is reported by Decode from the column (goccy's
// message, or an offset from the record's start), by Check at the
// problem, in the same column. Like Decode, Check does not change the
// Reader and is safe for concurrent use.
func (r *Reader) Check(rec Record) error {
	if wellFormed(rec.Data) {
		return nil
	}
	// Rare: say what is wrong exactly as decoding does, from the text the
	// sign-in decoders read (its replaced UTF-8 and masked keys show in
	// the message as they do in Decode's).
	return r.fixDecodeError(rec, syntaxError(r.Name, rec, keySets))
}
