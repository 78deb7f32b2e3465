package install

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LocalDirArgs turns the folders given to `install --local-dir` into the
// serve arguments written into the client entry: absolute paths ("~"
// expanded), each checked to be an existing folder, because the client
// starts the server from a working directory of its own choosing.
func LocalDirArgs(dirs []string) ([]string, error) {
	var args []string
	for _, d := range dirs {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if d == "~" || strings.HasPrefix(d, "~/") || strings.HasPrefix(d, `~\`) {
			home, err := os.UserHomeDir()
			if err != nil {
				return nil, fmt.Errorf("--local-dir %s: the home folder is unknown: %w", d, err)
			}
			d = filepath.Join(home, d[1:])
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, fmt.Errorf("--local-dir %s: %w", d, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("--local-dir %s: the folder does not exist; create it first", abs)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("--local-dir %s is a file: name a folder", abs)
		}
		args = append(args, "--local-dir", abs)
	}
	return args, nil
}
