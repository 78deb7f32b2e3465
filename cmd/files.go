package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// filesOptions are the flags of `files put` and `files get`.
type filesOptions struct {
	overwrite bool
	etag      string
	recursive bool
	asJSON    bool
	// chunk overrides the upload chunking (benchmarks): threshold and size in bytes.
	threshold, chunk int64
}

func newFilesCmd(a *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "files",
		Short: "Upload, download and list Nextcloud files from the shell",
		Long: "Move files of any size between this computer and Nextcloud with the same code the MCP tools use:\n" +
			"chunked, resumable uploads (run the same command again after an interruption) and downloads\n" +
			"that continue a .part file. A progress bar is shown on a terminal.",
	}
	var o filesOptions
	put := &cobra.Command{
		Use:     "put LOCAL REMOTE",
		Short:   "Upload a local file (or folder, with -r) to Nextcloud",
		Example: "  nextcloud-mcp files put ~/Downloads/slides.pdf Team/slides.pdf\n  nextcloud-mcp files put -r ./photos Photos/2026",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.filesTransfer(cmd.Context(), o, true, args[0], args[1])
		},
	}
	get := &cobra.Command{
		Use:     "get REMOTE LOCAL",
		Short:   "Download a Nextcloud file (or folder, with -r)",
		Example: "  nextcloud-mcp files get Contracts/signed.pdf ~/Desktop/signed.pdf",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.filesTransfer(cmd.Context(), o, false, args[1], args[0])
		},
	}
	for _, c := range []*cobra.Command{put, get} {
		c.Flags().BoolVar(&o.overwrite, "overwrite", false, "replace an existing file at the destination")
		c.Flags().BoolVarP(&o.recursive, "recursive", "r", false, "transfer a whole folder")
		c.Flags().BoolVar(&o.asJSON, "json", false, "print the result as JSON")
	}
	put.Flags().StringVar(&o.etag, "etag", "", "replace the remote file only if it still has this etag")
	put.Flags().Int64Var(&o.threshold, "chunk-threshold", 0, "upload in chunks above this many bytes (default 10 MiB)")
	put.Flags().Int64Var(&o.chunk, "chunk-size", 0, "fixed chunk size in bytes (default: adapts between 10 and 100 MiB)")
	_ = put.Flags().MarkHidden("chunk-threshold")
	_ = put.Flags().MarkHidden("chunk-size")

	var lsJSON bool
	ls := &cobra.Command{
		Use:   "ls [REMOTE]",
		Short: "List a Nextcloud folder",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := "/"
			if len(args) == 1 {
				p = args[0]
			}
			return a.filesList(cmd.Context(), p, lsJSON)
		},
	}
	ls.Flags().BoolVar(&lsJSON, "json", false, "print the entries as JSON")
	cmd.AddCommand(put, get, ls)
	return cmd
}

// filesClient signs in as serve would.
func (a *App) filesClient(ctx context.Context) (*nextcloud.Client, error) {
	c, err := a.webhookClient(ctx)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// cliRoots are the local folders the CLI may use: --local-dir /
// NEXTCLOUD_MCP_LOCAL_DIRS when set, else the folder that holds the named
// local path (the person at the shell chose it).
func (a *App) cliRoots(local string, upload, recursive bool) (*localfs.Roots, error) {
	if len(a.cfg.LocalDirs) > 0 {
		return localfs.New(a.cfg.LocalDirs)
	}
	abs, err := filepath.Abs(local)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(abs)
	if upload && recursive {
		dir = abs
	}
	if !upload && recursive {
		if err := os.MkdirAll(abs, 0o777); err != nil {
			return nil, fmt.Errorf("create local folder %s: %w", abs, err)
		}
		dir = abs
	}
	return localfs.New([]string{dir})
}

func (a *App) filesTransfer(ctx context.Context, o filesOptions, upload bool, local, remote string) error {
	roots, err := a.cliRoots(local, upload, o.recursive)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	defer roots.Close()
	if abs, err := filepath.Abs(local); err == nil {
		local = abs
	}
	c, err := a.filesClient(ctx)
	if err != nil {
		return err
	}
	uploads := newStoreUploads(a.cfg.ConfigDir)
	defer uploads.Close()
	bar := newTransferBar(a.Err, upload, remote)
	t := &tools.Transfer{Client: c, Roots: roots, Sessions: uploads, Progress: bar.update,
		Threshold: o.threshold, MinChunk: o.chunk, MaxChunk: o.chunk}
	var res *tools.TransferResult
	switch {
	case upload && o.recursive:
		res, err = t.UploadTree(ctx, local, remote, o.overwrite)
	case upload:
		res, err = t.UploadFile(ctx, local, remote, o.overwrite, o.etag)
	case o.recursive:
		res, err = t.DownloadTree(ctx, remote, local, o.overwrite)
	default:
		res, err = t.DownloadFile(ctx, remote, local, o.overwrite)
	}
	bar.finish()
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: errors.New(strings.TrimSuffix(tools.TransferMessage(err), "."))}
	}
	if o.asJSON {
		enc := json.NewEncoder(a.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printTransfer(a.Out, upload, res)
	if len(res.Failed) > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d files failed", len(res.Failed), len(res.Failed)+res.Files)}
	}
	return nil
}

func printTransfer(w io.Writer, upload bool, r *tools.TransferResult) {
	verb, from, to := "Downloaded", r.Path, r.LocalPath
	if upload {
		verb, from, to = "Uploaded", r.LocalPath, r.Path
	}
	what := fmt.Sprintf("%d bytes", r.Bytes)
	if r.Files > 1 || r.Failed != nil {
		what = fmt.Sprintf("%d files, %d bytes", r.Files, r.Bytes)
	}
	fmt.Fprintf(w, "%s %s → %s: %s in %s (%.1f MB/s)", verb, from, to, what, (time.Duration(r.DurationMS) * time.Millisecond).String(), r.MBPerSecond)
	if r.Resumed {
		fmt.Fprintf(w, ", resumed (%d bytes moved this time)", r.Sent)
	}
	fmt.Fprintln(w)
	if r.ETag != "" {
		fmt.Fprintf(w, "  etag %s, file id %d", r.ETag, r.FileID)
		if r.Verified != "" {
			fmt.Fprintf(w, ", verified by %s", r.Verified)
		}
		fmt.Fprintln(w)
	}
	for _, f := range r.Failed {
		fmt.Fprintf(w, "  failed: %s: %s\n", f.Path, f.Error)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped (link or special file): %s\n", s)
	}
}

func (a *App) filesList(ctx context.Context, p string, asJSON bool) error {
	c, err := a.filesClient(ctx)
	if err != nil {
		return err
	}
	self, children, err := c.ListDir(ctx, p)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: errors.New(strings.TrimSuffix(tools.Explain(err), "."))}
	}
	if !self.IsDir {
		children = []nextcloud.FileEntry{*self}
	}
	if asJSON {
		enc := json.NewEncoder(a.Out)
		enc.SetIndent("", "  ")
		if children == nil {
			children = []nextcloud.FileEntry{}
		}
		return enc.Encode(children)
	}
	tw := tabwriter.NewWriter(a.Out, 0, 4, 2, ' ', 0)
	for _, e := range children {
		name := e.Name
		if e.IsDir {
			name += "/"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", e.Size, e.Modified.Local().Format("2006-01-02 15:04"), name)
	}
	return tw.Flush()
}

// transferBar draws a progress bar on a terminal and nothing elsewhere.
type transferBar struct {
	bar *progressbar.ProgressBar
}

func newTransferBar(w io.Writer, upload bool, remote string) *transferBar {
	if !isTerminal(w) {
		return &transferBar{}
	}
	desc := "downloading " + remote
	if upload {
		desc = "uploading → " + remote
	}
	return &transferBar{bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
	)}
}

func (b *transferBar) update(done, total int64) {
	if b.bar == nil {
		return
	}
	if b.bar.GetMax64() != total {
		b.bar.ChangeMax64(total)
	}
	_ = b.bar.Set64(done)
}

func (b *transferBar) finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}
