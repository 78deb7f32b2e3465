package extract

import "context"

func (x *Extractor) odpSlide(ctx context.Context, z *zipDoc, page int) (*slide, error) {
	return nil, failf("odp", KindUnsupported, ErrUnsupported, "todo")
}
