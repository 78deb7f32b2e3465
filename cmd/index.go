package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/index"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

func newIndexCmd(a *App) *cobra.Command {
	var watch time.Duration
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Update the local content index that nc_search_content searches",
		Long: "Bring the local full-text index up to date now: notes, calendars and tasks, contacts,\n" +
			"Deck cards, and the files of the folders chosen with `index add`. Only what changed\n" +
			"since the last update is fetched. --watch keeps it up to date at an interval.\n" +
			"The index holds plain-text copies of what it indexes, on this computer, in the user\n" +
			"cache directory; `index clear` deletes it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.indexSync(cmd.Context(), watch)
		},
	}
	cmd.Flags().DurationVar(&watch, "watch", 0, "keep updating at this interval (5m when given without a value), until Ctrl-C")
	cmd.Flags().Lookup("watch").NoOptDefVal = "5m"
	cmd.AddCommand(newIndexStatusCmd(a), newIndexAddCmd(a), newIndexRemoveCmd(a), newIndexClearCmd(a))
	return cmd
}

func newIndexStatusCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show what the index holds: size, documents per source, last update, folders, skipped files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ix, _, err := a.openIndex(cmd.Context())
			if err != nil {
				return err
			}
			defer ix.Close()
			st, err := ix.Status(cmd.Context())
			if err != nil {
				return err
			}
			printIndexStatus(a.Out, st, time.Now())
			return nil
		},
	}
}

func newIndexAddCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "add PATH",
		Short: "Index the files of a folder, e.g. `index add Documents`",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ix, c, err := a.openIndex(ctx)
			if err != nil {
				return err
			}
			defer ix.Close()
			folder, err := index.CleanFolder(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			fi, err := c.Stat(ctx, folder)
			switch {
			case errors.Is(err, nextcloud.ErrNotFound):
				return usageError("there is no folder %s in your Nextcloud files: check the name (it is case-sensitive)", folder)
			case err != nil:
				return fmt.Errorf("check that %s is a folder: %w", folder, err)
			case !fi.IsDir:
				return usageError("%s is a file: give the folder that holds it", folder)
			}
			clean, added, err := ix.AddFolder(folder)
			if err != nil {
				return err
			}
			if !added {
				fmt.Fprintf(a.Out, "%s is already indexed.\n", clean)
				return nil
			}
			fmt.Fprintf(a.Out, "Added %s. Its files are indexed by `nextcloud-mcp index` or on the next content search.\n", clean)
			return nil
		},
	}
}

func newIndexRemoveCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "remove PATH",
		Short: "Stop indexing a folder and drop its files from the index",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ix, _, err := a.openIndex(ctx)
			if err != nil {
				return err
			}
			defer ix.Close()
			clean, err := ix.RemoveFolder(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			n, err := ix.PruneFiles(ctx)
			switch {
			case errors.Is(err, index.ErrBusy):
				fmt.Fprintf(a.Out, "Removed %s; the running update drops its files from the index.\n", clean)
			case err != nil:
				return err
			default:
				fmt.Fprintf(a.Out, "Removed %s and its %d files from the index.\n", clean, n)
			}
			return nil
		},
	}
}

func newIndexClearCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "clear",
		Short: "Delete the index of this account (the chosen folders are kept)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.indexDir(cmd.Context())
			if err != nil {
				return err
			}
			if _, err := os.Stat(filepath.Join(dir, index.FileName)); errors.Is(err, os.ErrNotExist) {
				fmt.Fprintln(a.Out, "There is no index for this account: nothing to delete.")
				return nil
			}
			ix, err := index.Open(cmd.Context(), dir, index.DefaultOptions())
			if err != nil {
				return err
			}
			size := ix.Size()
			folders, _ := ix.Folders()
			ix.Close()
			if err := index.Clear(dir); err != nil {
				return err
			}
			fmt.Fprintf(a.Out, "Deleted the index in %s (%s).\n", dir, humanBytes(size))
			if len(folders) > 0 {
				fmt.Fprintf(a.Out, "Still chosen for indexing: %s (`nextcloud-mcp index remove PATH` forgets one).\n", strings.Join(folders, ", "))
			}
			return nil
		},
	}
}

// indexClient signs in the way every other command does.
func (a *App) indexClient(ctx context.Context) (*nextcloud.Client, error) {
	if a.cfg.NoIndex {
		return nil, usageError("the content index is turned off (--no-index or NEXTCLOUD_MCP_INDEX=off)")
	}
	return a.webhookClient(ctx)
}

// indexDir is the directory of the signed-in account's index.
func (a *App) indexDir(ctx context.Context) (string, error) {
	c, err := a.indexClient(ctx)
	if err != nil {
		return "", err
	}
	base, err := index.DefaultCacheBase()
	if err != nil {
		return "", err
	}
	return index.ClientDir(ctx, base, c)
}

// openIndex opens the signed-in account's index and prints a rebuild notice.
func (a *App) openIndex(ctx context.Context) (*index.Index, *nextcloud.Client, error) {
	c, err := a.indexClient(ctx)
	if err != nil {
		return nil, nil, err
	}
	base, err := index.DefaultCacheBase()
	if err != nil {
		return nil, nil, err
	}
	dir, err := index.ClientDir(ctx, base, c)
	if err != nil {
		return nil, nil, err
	}
	o := index.DefaultOptions()
	o.Extractor = newExtractor()
	ix, err := index.Open(ctx, dir, o)
	if err != nil {
		return nil, nil, err
	}
	if n := ix.Notice(); n != "" {
		fmt.Fprintln(a.Err, n)
	}
	return ix, c, nil
}

func (a *App) indexSync(ctx context.Context, watch time.Duration) error {
	ix, c, err := a.openIndex(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	if fs, _ := ix.Folders(); len(fs) == 0 {
		fmt.Fprintln(a.Out, "No folder is chosen, so no files are indexed: add one with `nextcloud-mcp index add Documents`.")
	}
	for {
		p := newSyncPrinter(a.Out)
		rep, err := ix.Sync(ctx, c, index.SyncOptions{Progress: p.update})
		p.close()
		switch {
		case errors.Is(err, index.ErrBusy) && watch > 0:
			fmt.Fprintf(a.Out, "Another nextcloud-mcp process is updating the index; trying again in %s.\n", watch)
		case ctx.Err() != nil:
			fmt.Fprintln(a.Out, "Stopped. What was indexed so far is kept; the next update continues from there.")
			return nil
		case err != nil:
			return err
		default:
			fmt.Fprintf(a.Out, "Index up to date in %s: %s.\n", rep.Duration.Round(time.Millisecond), summary(ctx, ix))
			if rerr := rep.Err(); rerr != nil && watch == 0 {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("some sources could not be updated: %w", rerr)}
			}
		}
		if watch <= 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(watch):
		}
	}
}

func summary(ctx context.Context, ix *index.Index) string {
	st, err := ix.Status(ctx)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d documents, %s on disk", st.Docs(), humanBytes(st.SizeBytes))
}

// syncPrinter shows a progress bar per source on a terminal, and one plain
// line per source otherwise.
type syncPrinter struct {
	w      io.Writer
	tty    bool
	source string
	bar    *progressbar.ProgressBar
}

func newSyncPrinter(w io.Writer) *syncPrinter {
	return &syncPrinter{w: w, tty: isTerminal(w)}
}

func (p *syncPrinter) update(pr index.Progress) {
	if p.tty {
		if p.bar == nil || pr.Source != p.source {
			p.close()
			p.source = pr.Source
			p.bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(pr.Source),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		if pr.Total > 0 {
			p.bar.ChangeMax(pr.Total)
		}
		_ = p.bar.Set(pr.Done)
		p.bar.Describe(fmt.Sprintf("%-9s %9s", pr.Source, humanBytes(pr.Bytes)))
	}
	if pr.Finished {
		p.close()
		fmt.Fprintln(p.w, sourceLine(pr.Report))
	}
}

func (p *syncPrinter) close() {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

func sourceLine(r *index.SourceReport) string {
	if r == nil {
		return ""
	}
	d := r.Duration.Round(time.Millisecond)
	switch {
	case r.Unavailable:
		return fmt.Sprintf("%-9s not on this server", r.Name)
	case r.Err != nil:
		return fmt.Sprintf("%-9s failed after %s: %v", r.Name, d, r.Err)
	case !r.Changed():
		return fmt.Sprintf("%-9s unchanged (%s)", r.Name, d)
	}
	return fmt.Sprintf("%-9s %d added, %d updated, %d deleted, %d skipped, %s of text (%s)", r.Name, r.Added, r.Updated, r.Deleted, r.Skipped, humanBytes(r.Bytes), d)
}

func printIndexStatus(w io.Writer, st *index.Status, now time.Time) {
	fmt.Fprintf(w, "Index:     %s\n", st.Path)
	fmt.Fprintf(w, "Size:      %s on disk, %s of text\n", humanBytes(st.SizeBytes), humanBytes(st.TextBytes))
	if len(st.Folders) == 0 {
		fmt.Fprintln(w, "Folders:   none (add one with `nextcloud-mcp index add Documents`)")
	} else {
		fmt.Fprintf(w, "Folders:   %s\n", strings.Join(st.Folders, ", "))
	}
	var apps []string
	for _, app := range index.Apps() {
		apps = append(apps, fmt.Sprintf("%s %d", app, st.Apps[app]))
	}
	fmt.Fprintf(w, "Documents: %s\n", strings.Join(apps, ", "))
	fmt.Fprintln(w, "Sources:")
	for _, s := range st.Sources {
		when := "never updated"
		if !s.SyncedAt.IsZero() {
			when = "up to date as of " + s.SyncedAt.Local().Format("2006-01-02 15:04:05") + " (" + ago(now.Sub(s.SyncedAt)) + ")"
		}
		line := fmt.Sprintf("  %-9s %6d  %s", s.Name, s.Docs, when)
		if s.Error != "" {
			line += "; last update: " + s.Error
		}
		fmt.Fprintln(w, line)
	}
	if st.Syncing != "" {
		fmt.Fprintln(w, "Updating:  now, by another process")
	}
	total := 0
	for _, g := range st.Skipped {
		total += g.Count
	}
	if total == 0 {
		fmt.Fprintln(w, "Skipped:   none")
		return
	}
	fmt.Fprintf(w, "Skipped:   %d files\n", total)
	sort.SliceStable(st.Skipped, func(i, j int) bool { return st.Skipped[i].Count > st.Skipped[j].Count })
	for _, g := range st.Skipped {
		fmt.Fprintf(w, "  %-9s %6d\n", g.Kind, g.Count)
		for _, ex := range g.Examples {
			fmt.Fprintf(w, "            %s: %s\n", ex.Path, ex.Reason)
		}
	}
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

func humanBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
}
