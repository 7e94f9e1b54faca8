package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// This file is the stream mode of the programs that opt in to it
// (Program.Stream): -stream reads the inputs as an unbounded stream and
// prints each window's findings as it closes (detection.Stream), and
// -checkpoint carries the open windows from one run to the next.
//
// How each way a stream run can end is handled:
//
//   - the end of the inputs: with -checkpoint, the state is saved and the
//     open windows stay open, to close when a later run's input moves the
//     watermark past them; -close, or no -checkpoint, closes them all
//     first, printing their findings (and then saves the closed state);
//   - SIGINT or SIGTERM: nothing more is printed, no open window is
//     closed early (one that arrives while the windows are closed at the
//     end stops that after the window being printed, which the state
//     then no longer holds); with -checkpoint the state is saved; exit
//     130. A second signal ends the process at once, as it would
//     without a handler: the checkpoint, written atomically, is then the
//     one saved before;
//   - a bad record in strict mode: as in batch mode, its one message line
//     and exit 1, no open window closed; with -checkpoint the state, up to
//     that record, is saved;
//   - an input that fails (a truncated download): as in batch mode the
//     findings of every record read are printed (the open windows close)
//     and exit 1; with -checkpoint the state is saved instead, the
//     windows left open;
//   - standard output failing: exit 1, and the checkpoint is not
//     written, so that the last one saved still holds every window not
//     printed.

// streamFlags are the flags of stream mode.
type streamFlags struct {
	on         *bool
	window     *time.Duration
	lateness   *time.Duration
	checkpoint *string
	close      *bool
}

// addStreamFlags defines the stream mode's flags on fs.
func addStreamFlags(fs *flag.FlagSet) *streamFlags {
	return &streamFlags{
		on: fs.Bool("stream", false, "read the inputs as an unbounded stream (- is standard input, read as it arrives) and print each window's findings "+
			"as JSON lines as soon as it closes, with info_min_time and info_max_time; JSON lines even without -json, since a table "+
			"cannot be printed before the end; -risk prints risk events instead"),
		window: fs.Duration("window", detection.DefaultWindow, "with -stream, the search window of the detections that do not bin _time "+
			"(those that do have their bin as their window)"),
		lateness: fs.Duration("lateness", detection.DefaultLateness, "with -stream, how long after its end, in event time, a window closes: "+
			"when the latest event time less this passes its end; an event whose window has closed is late: reported on stderr, and exit status 1 unless -lenient"),
		checkpoint: fs.String("checkpoint", "", "with -stream, restore the stream from `FILE` if it exists (one that cannot be restored is an error), "+
			"and at the end of the inputs (or on SIGINT, SIGTERM or a bad record) save it there, atomically, instead of closing the open windows, "+
			"which a later run closes"),
		close: fs.Bool("close", false, "with -stream -checkpoint, close every open window at the end of the inputs, printing its findings, "+
			"and save the closed state"),
	}
}

// used reports whether the command line asks for stream mode or sets a
// flag of it: Main then hands over to mainStream, which refuses the
// latter without -stream.
func (f *streamFlags) used(fs *flag.FlagSet) bool {
	return *f.on || len(f.set(fs)) > 0
}

// set returns the flags of stream mode other than -stream set on the
// command line, as "-name".
func (f *streamFlags) set(fs *flag.FlagSet) []string {
	var out []string
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "window", "lateness", "checkpoint", "close":
			out = append(out, "-"+fl.Name)
		}
	})
	return out
}

// streamRun is what a stream run needs from Main.
type streamRun struct {
	flags          *streamFlags
	fs             *flag.FlagSet
	dets           []detection.Rule
	format         event.Format
	opts           detection.Options
	risk           bool // -risk; else findings, with -json or without
	stdin          io.Reader
	stdout, stderr io.Writer
}

// outputError is standard output failing while a window's findings are
// printed: it stops the run.
type outputError struct{ err error }

func (e *outputError) Error() string { return "write: " + e.err.Error() }
func (e *outputError) Unwrap() error { return e.err }

// mainStream is Main in stream mode; it returns the exit status.
func (p Program) mainStream(c streamRun) int {
	f, stderr := c.flags, c.stderr
	if !*f.on {
		set := f.set(c.fs)
		fmt.Fprintf(stderr, "%s: %s %s only with -stream\n", p.Name, strings.Join(set, ", "), plural(int64(len(set)), "works", "work"))
		return ExitUsage
	}
	if *f.window <= 0 {
		fmt.Fprintf(stderr, "%s: -window is %v, must be positive\n", p.Name, *f.window)
		return ExitUsage
	}
	if *f.lateness <= 0 {
		fmt.Fprintf(stderr, "%s: -lateness is %v, must be positive\n", p.Name, *f.lateness)
		return ExitUsage
	}
	files := c.fs.Args()
	if len(files) == 0 {
		fmt.Fprintf(stderr, "%s: -stream reads the inputs named: give FILE... or - for standard input\n", p.Name)
		return ExitUsage
	}
	eng, err := detection.NewEngine(c.opts, c.dets...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, err)
		return ExitError
	}

	ctx, stop := p.interruptContext()
	defer stop()
	out := &streamOutput{ctx: ctx, w: bufio.NewWriter(c.stdout), eng: eng, risk: c.risk, searchName: p.SearchName}
	var late int64 // late records read by this run
	sopts := detection.StreamOptions{
		Window:   *f.window,
		Lateness: *f.lateness,
		OnWindow: out.window,
		OnLate: func(l detection.LateEvent) {
			late++
			fmt.Fprintf(stderr, "%s: %s\n", p.Name, l)
		},
	}
	cp := *f.checkpoint
	st, err := openStream(eng, cp, sopts)
	if err != nil {
		fmt.Fprintf(stderr, "%s: -checkpoint %s: %v\n", p.Name, cp, err)
		return ExitError
	}
	inputs, closeAll, err := open(files, c.stdin, c.format)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, err)
		return ExitError
	}
	defer closeAll()

	base := st.Counts()
	runErr := st.Run(ctx, inputs...)
	read := st.Counts().Records - base.Records
	interrupted := isInterrupt(ctx, runErr)

	save := func() bool {
		if cp == "" {
			return true
		}
		if err := saveCheckpoint(cp, st); err != nil {
			fmt.Fprintf(stderr, "%s: -checkpoint %s: save: %v\n", p.Name, cp, err)
			return false
		}
		return true
	}
	var oe *outputError
	switch {
	case errors.As(runErr, &oe):
		// The window whose findings could not be printed is out of the
		// state: the checkpoint saved before still holds it.
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, oe)
		return ExitError
	case runErr != nil && !interrupted && (isDecodeError(runErr) || read == 0):
		// Strict mode stopped at a bad record, or an input was refused
		// before a record was read: as in batch mode, one line and no
		// partial results; the state up to there is kept.
		save()
		fmt.Fprintln(stderr, errorLine(runErr))
		return ExitError
	}

	// At the end of the inputs, the open windows close unless a
	// checkpoint keeps them (-close closes them anyway); when an input
	// failed, they close without a checkpoint, the results partial, as in
	// batch mode. An interrupted stream closes none.
	closing := !interrupted && (cp == "" || runErr == nil && *f.close)
	failed := false
	if closing {
		out.closing = true
		// A signal stops the closing after a window printed whole: the
		// windows not printed stay open in the state saved.
		switch err := st.Close(); {
		case errors.As(err, &oe):
			fmt.Fprintf(stderr, "%s: %v\n", p.Name, oe)
			return ExitError
		case isInterrupt(ctx, err):
			interrupted = true
		case err != nil:
			fmt.Fprintf(stderr, "%s: %v\n", p.Name, err) // a detection panicked
			failed = true
		}
	}
	if !save() {
		failed = true
	}

	d := sub(st.Counts(), base)
	if c.opts.Lenient {
		fmt.Fprintf(stderr, "%s: %d records read, %d decoded, %d skipped", p.Name, d.Records, d.Decoded, d.Bad)
		if d.Other > 0 {
			fmt.Fprintf(stderr, ", %d of other kinds", d.Other)
		}
		if d.Prefiltered > 0 {
			fmt.Fprintf(stderr, ", %d passed over by the prefilter", d.Prefiltered)
		}
		fmt.Fprintln(stderr)
	}
	if d.Other > 0 {
		fmt.Fprintf(stderr, "%s: %d %s of other kinds skipped\n", p.Name, d.Other, plural(d.Other, "record", "records"))
	}
	switch {
	case interrupted:
		if cp != "" {
			fmt.Fprintf(stderr, "%s: interrupted (%d records read): state saved to %s\n", p.Name, read, cp)
		} else {
			n := int64(st.OpenWindows())
			fmt.Fprintf(stderr, "%s: interrupted (%d records read): %d open %s not closed\n", p.Name, read, n, plural(n, "window", "windows"))
		}
		if failed {
			return ExitError
		}
		return ExitInterrupted
	case runErr != nil:
		fmt.Fprintln(stderr, errorLine(runErr))
		if cp != "" {
			fmt.Fprintf(stderr, "%s: stopped after %d records read: state saved to %s\n", p.Name, read, cp)
		} else {
			fmt.Fprintf(stderr, "%s: results are partial (%d records read)\n", p.Name, read)
		}
		return ExitError
	case failed, late > 0 && !c.opts.Lenient:
		return ExitError
	}
	return ExitOK
}

// errInterrupted stops a stream that a signal interrupted while windows
// were being closed.
var errInterrupted = errors.New("interrupted")

// isInterrupt reports whether err is a stream run or close stopped by the
// cancellation of ctx.
func isInterrupt(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() != nil && (errors.Is(err, ctx.Err()) || errors.Is(err, errInterrupted))
}

// streamOutput prints the findings of each window as it closes, as JSON
// lines (with search_name first when searchName is set) or as the risk
// events they make, flushing after each window, so that a window is
// printed whole or not at all. Once ctx is cancelled it stops the
// closing of the windows (Stream.Close; Run stops by itself) after the
// window it printed, which leaves the stream's state consistent with
// what was printed.
type streamOutput struct {
	ctx        context.Context
	closing    bool // Close is running: a signal stops it
	w          *bufio.Writer
	eng        *detection.Engine
	risk       bool
	searchName bool
}

// window is the stream's OnWindow.
func (o *streamOutput) window(_ detection.Window, fs []detection.Finding) error {
	if o.risk {
		evs, _ := o.eng.Risk(fs...) // every finding is of the engine's detections
		writeJSONLines(o.w, evs)
	} else {
		writeFindingsJSON(o.w, slices.Values(fs), o.searchName)
	}
	if err := o.w.Flush(); err != nil {
		return &outputError{err}
	}
	if o.closing && o.ctx.Err() != nil {
		return errInterrupted
	}
	return nil
}

// openStream restores the stream from the checkpoint file path when it
// exists, and starts a new one when path is empty or names no file. A
// checkpoint that cannot be read or restored is an error, never a fresh
// start. It checks that a checkpoint can be written in path's directory,
// so that a long run does not find out only at its end.
func openStream(eng *detection.Engine, path string, opts detection.StreamOptions) (*detection.Stream, error) {
	if path == "" {
		return eng.NewStream(opts)
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := canWrite(filepath.Dir(path)); err != nil {
			return nil, err
		}
		return eng.NewStream(opts)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the message names the file already
		}
		return nil, err
	}
	if err := canWrite(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return eng.RestoreStream(data, opts)
}

// canWrite checks that a file can be created in dir.
func canWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".checkpoint-*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write a checkpoint in %s: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// saveCheckpoint writes the stream's checkpoint to path atomically: to a
// temporary file in the same directory, synced, then renamed over path,
// so that path holds the old checkpoint or the new one, never a part.
func saveCheckpoint(path string, st *detection.Stream) error {
	data, err := st.MarshalBinary()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the system allows it; it is
// best effort (directories cannot be synced everywhere).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// interruptContext returns a context cancelled by SIGINT or SIGTERM (or by
// a signal on Program.Signals, when set), and a function that stops
// listening and releases it, to be called once. After the first signal
// the process's handler is removed, so that a second one ends the
// process as usual.
func (p Program) interruptContext() (context.Context, func()) {
	sigs := p.Signals
	unnotify := func() {}
	if sigs == nil {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		sigs, unnotify = ch, func() { signal.Stop(ch) }
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
			unnotify()
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		unnotify()
		cancel()
	}
}

// sub returns the counts of a less those of b.
func sub(a, b event.Counts) event.Counts {
	return event.Counts{Records: a.Records - b.Records, Decoded: a.Decoded - b.Decoded, Bad: a.Bad - b.Bad, Other: a.Other - b.Other, Prefiltered: a.Prefiltered - b.Prefiltered}
}
