package extract

import (
	"context"
	"io"
)



func notYet(format string) error {
	return &Error{Format: format, Kind: KindUnsupported, Reason: "not supported yet", Err: ErrUnsupported}
}

func (x *Extractor) describeImage(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	return nil, notYet("image")
}
