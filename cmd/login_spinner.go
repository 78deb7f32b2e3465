package cmd

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// spinner shows that login is waiting for the browser. It draws only on a
// terminal: in a pipe or a log it would be noise.
type spinner struct {
	stopOnce sync.Once
	done     chan struct{}
	finished chan struct{}
	w        io.Writer
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func startSpinner(w io.Writer, expires time.Time) *spinner {
	s := &spinner{done: make(chan struct{}), finished: make(chan struct{}), w: w}
	if !isTerminal(w) {
		close(s.finished)
		return s
	}
	frames := []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
	go func() {
		defer close(s.finished)
		t := time.NewTicker(120 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			left := time.Until(expires).Round(time.Second)
			fmt.Fprintf(w, "\r%c Waiting for you to grant access in the browser (link expires in %s, Ctrl-C cancels) ", frames[i%len(frames)], left)
			select {
			case <-s.done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *spinner) stop() {
	s.stopOnce.Do(func() { close(s.done) })
	<-s.finished
}
