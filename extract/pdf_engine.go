package extract

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// pdfMemoryPages caps the PDF engine's WebAssembly memory (64 KiB pages):
// 4096 pages are 256 MiB, room for a large PDF, and a hostile one fails
// inside the sandbox instead of growing the process.
const pdfMemoryPages = 4096

// pdfEngine is PDFium compiled to WebAssembly, run by wazero: cgo-free, one
// static binary. It loads on the first PDF; the compiled machine code is
// cached in cacheDir so later processes start fast.
type pdfEngine struct {
	cacheDir string

	mu      sync.Mutex
	pool    pdfium.Pool
	loadErr error
	// loadTime is how long the last load took, for benchmarks and logs.
	loadTime time.Duration
	cache    wazero.CompilationCache
}

// instance returns a PDFium instance, loading the engine first if needed.
// Close the instance when done (it goes back to the pool).
func (p *pdfEngine) instance(ctx context.Context) (pdfium.Pdfium, error) {
	pool, err := p.load()
	if err != nil {
		return nil, err
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, failf("pdf", KindUnsupported, err, "the PDF engine could not start (%v)", err)
	}
	return inst, nil
}

// pdfReady loads the engine outside any one extraction's time limit: the first
// compile takes seconds (many more on a slow or race-instrumented build), a
// one-off cost that is not the document's fault. Cancelling ctx ends the
// wait but not the load, so the next PDF finds the engine ready.
func (x *Extractor) pdfReady(ctx context.Context) error {
	done := make(chan error, 1)
	go func() {
		_, err := x.pdf.load()
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return x.timeoutError(ctx, "pdf")
	}
}

func (p *pdfEngine) load() (pdfium.Pool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pool != nil {
		return p.pool, nil
	}
	if p.loadErr != nil {
		return nil, p.loadErr
	}
	start := time.Now()
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(pdfMemoryPages).
		WithCloseOnContextDone(true)
	if p.cacheDir != "" {
		dir := filepath.Join(p.cacheDir, "pdfium-wazero")
		if err := os.MkdirAll(dir, 0o700); err == nil {
			if c, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
				p.cache = c
				rc = rc.WithCompilationCache(c)
			}
		}
	}
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle: 0, MaxIdle: 1, MaxTotal: 2,
		ReuseWorkers:  true,
		RuntimeConfig: rc,
		// No file system and no console: the engine sees only the bytes it is handed.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
	})
	if err != nil {
		p.loadErr = failf("pdf", KindUnsupported, err, "the PDF engine could not be loaded (%v)", err)
		return nil, p.loadErr
	}
	p.pool = pool
	p.loadTime = time.Since(start)
	return pool, nil
}

func (p *pdfEngine) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	if p.pool != nil {
		err = p.pool.Close()
		p.pool = nil
	}
	if p.cache != nil {
		err = errors.Join(err, p.cache.Close(context.Background()))
		p.cache = nil
	}
	return err
}

// withPDF opens a document in a PDFium instance and runs fn on it. When ctx
// ends first, the instance is killed, which interrupts the engine.
func (x *Extractor) withPDF(ctx context.Context, r io.ReaderAt, size int64, password string, fn func(inst pdfium.Pdfium, doc *pdfDoc) error) error {
	inst, err := x.pdf.instance(ctx)
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	killed := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = inst.Kill()
			close(killed)
		case <-stop:
		}
	}()
	defer func() {
		close(stop)
		select {
		case <-killed:
		default:
			_ = inst.Close()
		}
	}()
	doc, err := openPDF(inst, r, size, password)
	if err != nil {
		return err
	}
	defer doc.close()
	if err := fn(inst, doc); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	return nil
}

// PDFEngineLoadTime reports how long loading the PDF engine took, zero if
// it has not been loaded.
func (x *Extractor) PDFEngineLoadTime() time.Duration {
	x.pdf.mu.Lock()
	defer x.pdf.mu.Unlock()
	return x.pdf.loadTime
}

// WarmPDF loads the PDF engine now rather than on the first PDF.
func (x *Extractor) WarmPDF(ctx context.Context) error {
	if err := x.pdfReady(ctx); err != nil {
		return err
	}
	inst, err := x.pdf.instance(ctx)
	if err != nil {
		return err
	}
	return inst.Close()
}
