// Package findingjson writes a finding as the JSON object the example
// programs print for it (`detect -json`, `detect -stream -json`,
// `kafkadetect`): search_name first, then the finding's columns.
package findingjson

import "github.com/escudo-dev/escudo/detection"

// Append appends f's JSON object to dst: {"search_name": ..., columns...}.
func Append(dst []byte, f detection.Finding) []byte {
	return WithSearchName(f).AppendJSON(dst)
}

// WithSearchName returns f with a first column search_name holding its
// SearchName.
func WithSearchName(f detection.Finding) detection.Finding {
	cols := make([]detection.Column, 0, len(f.Columns)+1)
	cols = append(cols, detection.Column{Name: "search_name", Kind: detection.Text, Values: []string{f.SearchName}})
	f.Columns = append(cols, f.Columns...)
	return f
}
