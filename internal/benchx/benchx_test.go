package benchx

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRatiosAreMediansOfPerRoundRatios(t *testing.T) {
	a := []Sample{{NsPerOp: 110}, {NsPerOp: 300}, {NsPerOp: 90}}
	b := []Sample{{NsPerOp: 100}, {NsPerOp: 100}, {NsPerOp: 100}}
	r := Ratios(a, b, Wall)
	assert.InDelta(t, 1.1, r.Median, 1e-9)
	assert.InDelta(t, 0.9, r.Min, 1e-9)
	assert.InDelta(t, 3.0, r.Max, 1e-9)
	assert.InDelta(t, 110.0, Median(a, Wall), 1e-9)
	assert.InDelta(t, 205.0, Median(a[:2], Wall), 1e-9, "an even count takes the middle pair's mean")
}

func TestInterleaveRotatesAndCounts(t *testing.T) {
	var order []int
	ops := []Op{
		func() error { order = append(order, 0); return nil },
		func() error { order = append(order, 1); return nil },
	}
	s, err := Interleave(2, 2, 0, ops...)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 0, 1, 1, 1, 1, 0, 0}, order, "round 2 starts with the other op")
	require.Len(t, s, 2)
	assert.Len(t, s[0], 2)
	assert.Len(t, s[1], 2)

	boom := errors.New("boom")
	_, err = Interleave(1, 1, 0, func() error { return boom })
	assert.ErrorIs(t, err, boom)
}
