package detection

// Def is a detection as a small value: its metadata, its base search as
// a function, its grouping and its literals. A catalogue of Defs is a
// list of values rather than a type per rule; a Def is a Detection[E],
// and Of makes it a Rule.
type Def[E any] struct {
	// Info is the detection's metadata.
	Info Meta
	// When is the base search: whether an event is one the rule looks
	// for. It must be safe for concurrent use and must not modify the
	// event.
	When func(ev *E) bool
	// Group is the grouping: stats ... BY.
	Group Grouping[E]
	// Lits are the detection's literals (see [Literals]); nil declares
	// none.
	Lits []string
	// Reads names every event field When and the grouping's Eval
	// functions read (see [Fields]); the grouping's own fields are known
	// without it. Nil declares nothing, and the detection then gets
	// whole events; an empty list says When reads no field.
	Reads []string
}

// Meta implements Detection.
func (d Def[E]) Meta() Meta { return d.Info }

// Match implements Detection: When, or false when it is nil.
func (d Def[E]) Match(ev *E) bool { return d.When != nil && d.When(ev) }

// Grouping implements Detection.
func (d Def[E]) Grouping() Grouping[E] { return d.Group }

// Literals implements [Literals].
func (d Def[E]) Literals() []string { return d.Lits }

// Fields implements [Fields].
func (d Def[E]) Fields() []string { return d.Reads }
