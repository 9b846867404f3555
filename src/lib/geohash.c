/* lib/geohash.c -- Redis 7.0's 52-bit geohash, distances and search cells;
 * see geohash.h for the contract.
 *
 * Matching Redis "to the last digit" means doing the same floating point
 * operations in the same order: every expression below that computes a
 * coordinate or a distance is written in the order that gives Redis's
 * rounding (a comment says so where a more natural order would differ).
 * The C standard mode (-std=c11) keeps the compiler from fusing a multiply
 * and an add, which would change the last bit too. */
#include "lib/geohash.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/numfmt.h"

/* Degrees to radians and back, by one constant as Redis does (a division
 * by 180 after multiplying by pi rounds differently). */
static const double degToRad = M_PI / 180.0;

static double radians(double deg) {
    return deg * degToRad;
}

static double degrees(double rad) {
    return rad / degToRad;
}

/* ---- Bit interleaving -----------------------------------------------------
 * A cell's two indexes share one word: latitude in the even bits, longitude
 * in the odd bits.  spreadBits moves bit i of a 32-bit value to bit 2i;
 * gatherBits undoes it, ignoring the odd bits. */

static uint64_t spreadBits(uint32_t v) {
    uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x << 2)) & 0x3333333333333333ULL;
    x = (x | (x << 1)) & 0x5555555555555555ULL;
    return x;
}

static uint32_t gatherBits(uint64_t x) {
    x &= 0x5555555555555555ULL;
    x = (x | (x >> 1)) & 0x3333333333333333ULL;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
    return (uint32_t)x;
}

static uint64_t interleave(uint32_t lonIndex, uint32_t latIndex) {
    return spreadBits(latIndex) | (spreadBits(lonIndex) << 1);
}

static uint32_t lonIndexOf(uint64_t bits) {
    return gatherBits(bits >> 1);
}

static uint32_t latIndexOf(uint64_t bits) {
    return gatherBits(bits);
}

/* ---- Encoding and decoding ----------------------------------------------- */

/* The coordinate ranges of an encoding: Redis's own (latitude limited to
 * Web Mercator) for scores, the standard geohash ones for GEOHASH. */
typedef struct geoRanges {
    double lonMin, lonMax;
    double latMin, latMax;
} geoRanges;

static const geoRanges mercatorRanges = {GEO_LON_MIN, GEO_LON_MAX,
                                         GEO_LAT_MIN, GEO_LAT_MAX};
static const geoRanges standardRanges = {-180.0, 180.0, -90.0, 90.0};

int geoCoordsValid(double lon, double lat) {
    return lon >= GEO_LON_MIN && lon <= GEO_LON_MAX && lat >= GEO_LAT_MIN &&
           lat <= GEO_LAT_MAX;
}

int geoFormatCoordsError(char *dst, size_t dstlen, double lon, double lat) {
    int n = snprintf(dst, dstlen, "invalid longitude,latitude pair %f,%f",
                     lon, lat);
    if (n < 0 || (size_t)n >= dstlen) {
        if (dstlen > 0) dst[0] = '\0';
        return 0;
    }
    return n;
}

/* The index of coordinate c in [min, max] at 'step' bits: the fraction of
 * the range, scaled by 2^step, truncated.  c == max gives 2^step (see the
 * header: kept, not clamped). */
static uint32_t cellIndex(double c, double min, double max, int step) {
    double offset = (c - min) / (max - min);
    offset *= (double)(1ULL << step);
    return (uint32_t)offset;
}

/* Encodes with the given ranges; the point must also be valid for Redis's
 * own ranges (Redis checks both, so a GEOHASH re-encoding of a decoded
 * point never fails). */
static int encodeWith(const geoRanges *r, double lon, double lat, int step,
                      geoCell *out) {
    if (step < 1 || step > 32 || !geoCoordsValid(lon, lat)) return 0;
    if (lon < r->lonMin || lon > r->lonMax || lat < r->latMin ||
        lat > r->latMax) {
        return 0;
    }
    out->bits = interleave(cellIndex(lon, r->lonMin, r->lonMax, step),
                           cellIndex(lat, r->latMin, r->latMax, step));
    out->step = (uint8_t)step;
    return 1;
}

int geoEncode(double lon, double lat, int step, geoCell *out) {
    return encodeWith(&mercatorRanges, lon, lat, step, out);
}

int geoEncodeScore(double lon, double lat, uint64_t *score) {
    geoCell cell;
    if (!geoEncode(lon, lat, GEO_STEP_MAX, &cell)) return 0;
    *score = cell.bits;
    return 1;
}

uint64_t geoScoreToBits(double score) {
    /* x86-64 converts a double below 2^63 with its signed instruction (a
     * negative score wraps around); a larger one after subtracting 2^63,
     * setting the top bit back.  Out of the signed range that instruction
     * gives 2^63 ("integer indefinite"), so -inf becomes 2^63 and +inf 0.
     * NaN, never a score, is taken as 2^63 too. */
    const double two63 = 9223372036854775808.0;
    const uint64_t top = 1ULL << 63;
    if (isnan(score)) return top;
    if (score < two63) {
        if (!(score > -two63)) return top;
        return (uint64_t)(int64_t)score;
    }
    double high = score - two63;
    if (high >= two63) return 0;
    return (uint64_t)(int64_t)high ^ top;
}

/* One coordinate of a cell's area: index i at 'step' bits covers
 * [min + i/2^step * scale, min + (i+1)/2^step * scale]. */
static void decodeRange(uint32_t index, int step, double min, double max,
                        double *lo, double *hi) {
    double scale = max - min;
    double cells = (double)(1ULL << step);
    *lo = min + ((double)index / cells) * scale;
    *hi = min + ((double)(index + 1) / cells) * scale;
}

static void decodeAreaWith(const geoRanges *r, geoCell cell, geoArea *area) {
    decodeRange(latIndexOf(cell.bits), cell.step, r->latMin, r->latMax,
                &area->latMin, &area->latMax);
    decodeRange(lonIndexOf(cell.bits), cell.step, r->lonMin, r->lonMax,
                &area->lonMin, &area->lonMax);
}

void geoDecodeArea(geoCell cell, geoArea *area) {
    decodeAreaWith(&mercatorRanges, cell, area);
}

static double clamp(double v, double min, double max) {
    if (v > max) return max;
    if (v < min) return min;
    return v;
}

void geoDecodeScore(uint64_t score, double *lon, double *lat) {
    geoCell cell = {score, GEO_STEP_MAX};
    geoArea area;
    geoDecodeArea(cell, &area);
    *lon = clamp((area.lonMin + area.lonMax) / 2, GEO_LON_MIN, GEO_LON_MAX);
    *lat = clamp((area.latMin + area.latMax) / 2, GEO_LAT_MIN, GEO_LAT_MAX);
}

void geoScoreToString(uint64_t score, char out[12]) {
    static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
    double lon, lat;
    geoDecodeScore(score, &lon, &lat);
    geoCell cell = {0, 0};
    /* Cannot fail: a decoded point is valid in both ranges. */
    encodeWith(&standardRanges, lon, lat, GEO_STEP_MAX, &cell);
    /* 52 bits make ten 5-bit characters and two bits to spare; the
     * eleventh character, which older versions printed, is always '0'. */
    for (int i = 0; i < 10; i++) {
        out[i] = alphabet[(cell.bits >> (52 - (i + 1) * 5)) & 0x1f];
    }
    out[10] = '0';
    out[11] = '\0';
}

/* ---- Distances ----------------------------------------------------------- */

/* The distance along a meridian, which is also what the haversine formula
 * reduces to when both longitudes are equal: Redis takes this shortcut, and
 * its last digits differ from the full formula's. */
static double meridianDistance(double lat1, double lat2) {
    return GEO_EARTH_RADIUS_M * fabs(radians(lat2) - radians(lat1));
}

double geoDistance(double lon1, double lat1, double lon2, double lat2) {
    double halfLon = sin((radians(lon2) - radians(lon1)) / 2);
    if (halfLon == 0.0) return meridianDistance(lat1, lat2);
    double lat1r = radians(lat1);
    double lat2r = radians(lat2);
    double halfLat = sin((lat2r - lat1r) / 2);
    double a = halfLat * halfLat + cos(lat1r) * cos(lat2r) * halfLon * halfLon;
    return 2.0 * GEO_EARTH_RADIUS_M * asin(sqrt(a));
}

int geoParseUnit(const char *s, size_t len, double *toMeters) {
    static const struct {
        const char *name;
        double meters;
    } units[] = {{"m", 1.0}, {"km", 1000.0}, {"ft", 0.3048}, {"mi", 1609.34}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (len == strlen(units[i].name) &&
            strncasecmp(s, units[i].name, len) == 0) {
            *toMeters = units[i].meters;
            return 1;
        }
    }
    return 0;
}

int geoFormatDistance(char *dst, size_t dstlen, double distance) {
    int n = snprintf(dst, dstlen, "%.4f", distance);
    if (n < 0 || (size_t)n >= dstlen) {
        if (dstlen > 0) dst[0] = '\0';
        return 0;
    }
    return n;
}

/* ---- Search -------------------------------------------------------------- */

int geoStepForRadius(double meters, double lat) {
    if (meters == 0) return GEO_STEP_MAX;
    /* Each step halves a cell: count the halvings from the whole Mercator
     * width down to the radius, then take two steps coarser so the radius
     * fits in a cell and its neighbours. */
    int step = 1;
    while (meters < GEO_MERCATOR_MAX) {
        meters *= 2;
        step++;
    }
    step -= 2;
    /* Meridians converge towards the poles: cells get narrower there. */
    if (lat > 66 || lat < -66) {
        step--;
        if (lat > 80 || lat < -80) step--;
    }
    if (step < 1) step = 1;
    if (step > GEO_STEP_MAX) step = GEO_STEP_MAX;
    return step;
}

/* The cell 'dLon' and 'dLat' (-1, 0, 1) cells away.  A coordinate that
 * moves wraps around modulo 2^step; one that does not move is kept whole
 * (with the one-past-the-end bit of a point on the top edge, as Redis). */
static geoCell moveCell(geoCell cell, int dLon, int dLat) {
    uint32_t mask = cell.step >= 32 ? 0xFFFFFFFFu
                                    : (uint32_t)((1ULL << cell.step) - 1);
    uint32_t lon = lonIndexOf(cell.bits);
    uint32_t lat = latIndexOf(cell.bits);
    if (dLon != 0) lon = (lon + (uint32_t)dLon) & mask;
    if (dLat != 0) lat = (lat + (uint32_t)dLat) & mask;
    geoCell moved = {interleave(lon, lat), cell.step};
    return moved;
}

void geoNeighbours(geoCell cell, geoCell out[GEO_CELL_COUNT]) {
    static const int moves[GEO_CELL_COUNT][2] = {
        [GEO_CELL_CENTRE] = {0, 0},
        [GEO_CELL_NORTH] = {0, 1},       [GEO_CELL_SOUTH] = {0, -1},
        [GEO_CELL_EAST] = {1, 0},        [GEO_CELL_WEST] = {-1, 0},
        [GEO_CELL_NORTH_EAST] = {1, 1},  [GEO_CELL_NORTH_WEST] = {-1, 1},
        [GEO_CELL_SOUTH_EAST] = {1, -1}, [GEO_CELL_SOUTH_WEST] = {-1, -1},
    };
    for (int i = 0; i < GEO_CELL_COUNT; i++) {
        out[i] = moveCell(cell, moves[i][0], moves[i][1]);
    }
}

/* Half the shape's north-south and east-west extent, in meters. */
static void shapeHalfSizes(const geoShape *shape, double *halfHeight,
                           double *halfWidth) {
    if (shape->type == GEO_SHAPE_RADIUS) {
        *halfHeight = shape->toMeters * shape->radius;
        *halfWidth = shape->toMeters * shape->radius;
    } else {
        *halfHeight = shape->toMeters * (shape->height / 2);
        *halfWidth = shape->toMeters * (shape->width / 2);
    }
}

void geoShapeBounds(const geoShape *shape, double bounds[4]) {
    double halfHeight, halfWidth;
    shapeHalfSizes(shape, &halfHeight, &halfWidth);
    double latDelta = degrees(halfHeight / GEO_EARTH_RADIUS_M);
    /* A parallel's circle shrinks with cos(latitude): the same width spans
     * more degrees on the edge nearer the pole. */
    double lonDeltaNorth = degrees(halfWidth / GEO_EARTH_RADIUS_M /
                                   cos(radians(shape->lat + latDelta)));
    double lonDeltaSouth = degrees(halfWidth / GEO_EARTH_RADIUS_M /
                                   cos(radians(shape->lat - latDelta)));
    double lonDelta = shape->lat < 0 ? lonDeltaSouth : lonDeltaNorth;
    bounds[0] = shape->lon - lonDelta;
    bounds[1] = shape->lat - latDelta;
    bounds[2] = shape->lon + lonDelta;
    bounds[3] = shape->lat + latDelta;
}

/* The distance from the centre that the cells must cover: the radius, or
 * the box's half diagonal, in meters. */
static double shapeReach(const geoShape *shape) {
    double reach;
    if (shape->type == GEO_SHAPE_RADIUS) {
        reach = shape->radius;
    } else {
        double hw = shape->width / 2, hh = shape->height / 2;
        reach = sqrt(hw * hw + hh * hh);
    }
    return reach * shape->toMeters;
}

/* The centre's cell at 'step', its neighbours and its area. */
static void cellsAtStep(const geoShape *shape, int step, geoSearch *out) {
    geoCell centre = {0, 0};
    geoEncode(shape->lon, shape->lat, step, &centre);
    geoNeighbours(centre, out->cells);
    geoDecodeArea(centre, &out->area);
}

/* 1 if a side neighbour ends inside the shape's bounds, so that the shape
 * reaches past the neighbours and the step is too fine. */
static int neighboursTooSmall(const geoSearch *s, const double bounds[4]) {
    geoArea north, south, east, west;
    geoDecodeArea(s->cells[GEO_CELL_NORTH], &north);
    geoDecodeArea(s->cells[GEO_CELL_SOUTH], &south);
    geoDecodeArea(s->cells[GEO_CELL_EAST], &east);
    geoDecodeArea(s->cells[GEO_CELL_WEST], &west);
    return north.latMax < bounds[3] || south.latMin > bounds[1] ||
           east.lonMax < bounds[2] || west.lonMin > bounds[0];
}

static void blank(geoSearch *s, int a, int b, int c) {
    geoCell none = {0, 0};
    s->cells[a] = s->cells[b] = s->cells[c] = none;
}

void geoSearchCells(const geoShape *shape, geoSearch *out) {
    double bounds[4];
    geoShapeBounds(shape, bounds);
    int step = geoStepForRadius(shapeReach(shape), shape->lat);
    cellsAtStep(shape, step, out);
    if (step > 1 && neighboursTooSmall(out, bounds)) {
        step--;
        cellsAtStep(shape, step, out);
    }
    /* A row or column of neighbours the shape's bounds do not reach is
     * not scanned (at step 1 the neighbours wrap onto each other and are
     * all kept). */
    if (step < 2) return;
    if (out->area.latMin < bounds[1]) {
        blank(out, GEO_CELL_SOUTH, GEO_CELL_SOUTH_WEST, GEO_CELL_SOUTH_EAST);
    }
    if (out->area.latMax > bounds[3]) {
        blank(out, GEO_CELL_NORTH, GEO_CELL_NORTH_EAST, GEO_CELL_NORTH_WEST);
    }
    if (out->area.lonMin < bounds[0]) {
        blank(out, GEO_CELL_WEST, GEO_CELL_SOUTH_WEST, GEO_CELL_NORTH_WEST);
    }
    if (out->area.lonMax > bounds[2]) {
        blank(out, GEO_CELL_EAST, GEO_CELL_SOUTH_EAST, GEO_CELL_NORTH_EAST);
    }
}

geoScoreRange geoCellScoreRange(geoCell cell) {
    int shift = 2 * (GEO_STEP_MAX - cell.step);
    geoScoreRange r = {(double)(cell.bits << shift),
                       (double)((cell.bits + 1) << shift)};
    return r;
}

int geoSearchRanges(const geoSearch *search,
                    geoScoreRange out[GEO_CELL_COUNT]) {
    int n = 0;
    int last = 0; /* the cell scanned last; 0 (the centre) never compared */
    for (int i = 0; i < GEO_CELL_COUNT; i++) {
        geoCell c = search->cells[i];
        if (c.bits == 0 && c.step == 0) continue;
        if (last != 0 && c.bits == search->cells[last].bits &&
            c.step == search->cells[last].step) {
            continue;
        }
        out[n++] = geoCellScoreRange(c);
        last = i;
    }
    return n;
}

int geoShapeContains(const geoShape *shape, double lon, double lat,
                     double *meters) {
    if (shape->type == GEO_SHAPE_RADIUS) {
        double d = geoDistance(shape->lon, shape->lat, lon, lat);
        if (d > shape->radius * shape->toMeters) return 0;
        *meters = d;
        return 1;
    }
    double height = shape->height * shape->toMeters;
    double width = shape->width * shape->toMeters;
    /* North-south first, the cheaper test; east-west along the point's
     * own parallel. */
    if (meridianDistance(lat, shape->lat) > height / 2) return 0;
    if (geoDistance(lon, lat, shape->lon, lat) > width / 2) return 0;
    *meters = geoDistance(shape->lon, shape->lat, lon, lat);
    return 1;
}
