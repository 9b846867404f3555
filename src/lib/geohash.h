/* lib/geohash.h -- Redis 7.0's 52-bit geohash, distances and search cells.
 *
 * A GEO set is a sorted set whose scores are geohashes.  Everything here is
 * pure arithmetic, done in the order Redis 7.0 does it, so that a score, a
 * GEOPOS coordinate, a GEOHASH string and a GEODIST distance come out of
 * redis-kv equal to Redis's to the last digit (tests/c/test_geohash.c holds
 * answers of a real redis-server 7.0.15 for several hundred points).
 *
 * The encoding
 *   A point (lon, lat) is valid when -180 <= lon <= 180 and
 *   -85.05112878 <= lat <= 85.05112878 (the latitudes where the Web
 *   Mercator square ends).  Each coordinate becomes a cell index at 'step'
 *   bits: trunc((c - min) / (max - min) * 2^step).  The two indexes are
 *   interleaved, latitude in the even bits (bit 0 first), longitude in the
 *   odd bits.  A score is the cell at step 26 (52 bits), so it is an exact
 *   integer in a double.  The top edge (lon == 180 or lat == the maximum)
 *   gives index 2^step, one past the last cell: Redis keeps that bit (bit
 *   53 or 52 of the score) instead of clamping, and so do we.
 *
 * Decoding
 *   A score decodes to the centre of its step-26 cell, each coordinate
 *   clamped to the valid range (that is how lon 180 comes back as 180).
 *   GEOPOS and WITHCOORD reply the centre with numFormatLongDouble(.., 1)
 *   (lib/numfmt.h, Redis's "human" long double form): a bulk string in
 *   RESP2, a RESP3 double of the same text.  Distances (geoFormatDistance)
 *   are bulk strings in both protocols; WITHHASH is the score as an
 *   integer.
 *
 * Search (GEOSEARCH, GEORADIUS)
 *   geoSearchCells picks a step from the radius (or the box's half
 *   diagonal) and the latitude, and returns the centre's cell and its eight
 *   neighbours in Redis's scan order, some blanked when the shape cannot
 *   reach them.  geoSearchRanges turns that into the score ranges to scan,
 *   [min, max) each, skipping blanked cells and a cell equal to the one
 *   scanned just before it (but, like Redis, never comparing with the
 *   centre, so a huge radius may scan a cell twice and report its members
 *   twice).  Each member found is then tested with geoShapeContains, which
 *   also gives its distance in meters. */
#ifndef REDIS_KV_GEOHASH_H
#define REDIS_KV_GEOHASH_H

#include <stddef.h>
#include <stdint.h>

/* A score's precision: 26 bits per coordinate, 52 in all, the most that
 * fits a double's mantissa exactly.  Changing it changes every score. */
#define GEO_STEP_MAX 26

#define GEO_LON_MIN -180.0
#define GEO_LON_MAX 180.0
/* Web Mercator's limit: the latitude where the projected map is square.
 * Points beyond it are refused ("invalid longitude,latitude pair"). */
#define GEO_LAT_MIN -85.05112878
#define GEO_LAT_MAX 85.05112878

/* The earth radius Redis uses for every distance (meters). */
#define GEO_EARTH_RADIUS_M 6372797.560856
/* Half the Web Mercator equator (meters): a radius this large needs the
 * coarsest step. */
#define GEO_MERCATOR_MAX 20037726.37

/* A cell: 'step' bits of each coordinate, interleaved into 'bits'.  The
 * cell {0, 0} is "none" (a blanked neighbour). */
typedef struct geoCell {
    uint64_t bits;
    uint8_t step;
} geoCell;

/* The rectangle a cell covers, in degrees. */
typedef struct geoArea {
    double lonMin, lonMax;
    double latMin, latMax;
} geoArea;

/* Where a cell's neighbour lies, the index into geoSearch.cells.  This is
 * Redis's scan order; results come out in it when no sort is asked. */
enum {
    GEO_CELL_CENTRE = 0,
    GEO_CELL_NORTH,
    GEO_CELL_SOUTH,
    GEO_CELL_EAST,
    GEO_CELL_WEST,
    GEO_CELL_NORTH_EAST,
    GEO_CELL_NORTH_WEST,
    GEO_CELL_SOUTH_EAST,
    GEO_CELL_SOUTH_WEST,
    GEO_CELL_COUNT
};

typedef enum geoShapeType {
    GEO_SHAPE_RADIUS,
    GEO_SHAPE_BOX
} geoShapeType;

/* A search shape as GEOSEARCH states it: a centre in degrees, sizes in the
 * request's unit and that unit's size in meters (geoParseUnit). */
typedef struct geoShape {
    geoShapeType type;
    double lon, lat;
    double radius;              /* GEO_SHAPE_RADIUS */
    double width, height;       /* GEO_SHAPE_BOX: full sizes, not halves */
    double toMeters;
} geoShape;

/* The cells a search scans: the centre's cell at the chosen step and its
 * neighbours (GEO_CELL_*, blanked ones {0, 0}), and the centre cell's
 * area. */
typedef struct geoSearch {
    geoCell cells[GEO_CELL_COUNT];
    geoArea area;
} geoSearch;

/* One score range to scan: min <= score < max. */
typedef struct geoScoreRange {
    double min, max;
} geoScoreRange;

/* ---- Points and scores --------------------------------------------------- */

/* 1 if (lon, lat) is inside the valid ranges (NaN is not). */
int geoCoordsValid(double lon, double lat);

/* GEOADD's error for an invalid pair, without the "ERR " prefix:
 * "invalid longitude,latitude pair 200.000000,-100.000000" (printf "%f",
 * so "-inf" too).  Returns the length as numfmt.h's formatters do. */
int geoFormatCoordsError(char *dst, size_t dstlen, double lon, double lat);

/* The cell of (lon, lat) at 'step' (1..32) bits per coordinate.  0 if the
 * point is not valid or the step is out of range. */
int geoEncode(double lon, double lat, int step, geoCell *out);

/* GEOADD's score of (lon, lat): its step-26 cell as a 52-bit integer.
 * 0 if the point is not valid. */
int geoEncodeScore(double lon, double lat, uint64_t *score);

/* The 64-bit cell Redis reads from a sorted-set score: C's (uint64_t)
 * conversion as x86-64 performs it, defined for every double (a score
 * written by ZADD into a GEO set need not be a geohash). */
uint64_t geoScoreToBits(double score);

/* The area of a cell (its step taken from the cell). */
void geoDecodeArea(geoCell cell, geoArea *area);

/* The point a score stands for (GEOPOS, and every distance): the centre of
 * its step-26 cell, clamped to the valid ranges. */
void geoDecodeScore(uint64_t score, double *lon, double *lat);

/* GEOHASH's 11-character string for a score (plus NUL in out[11]):
 * the decoded point re-encoded with the standard ranges (latitude
 * -90..90), 10 base-32 characters of its 52 bits and a final '0'. */
void geoScoreToString(uint64_t score, char out[12]);

/* ---- Distances ----------------------------------------------------------- */

/* Great-circle distance in meters (haversine on GEO_EARTH_RADIUS_M). */
double geoDistance(double lon1, double lat1, double lon2, double lat2);

/* A unit name as GEODIST/GEOSEARCH take it, case-insensitive: "m", "km",
 * "ft", "mi".  Stores its size in meters; 0 for anything else (Redis's
 * error is "unsupported unit provided. please use M, KM, FT, MI"). */
int geoParseUnit(const char *s, size_t len, double *toMeters);

/* A distance as GEODIST and WITHDIST reply it, "%.4f" (already divided
 * by the unit's size). */
int geoFormatDistance(char *dst, size_t dstlen, double distance);

/* ---- Search -------------------------------------------------------------- */

/* The step whose cells are about 'meters' wide at latitude 'lat', a little
 * coarser so that one cell and its neighbours cover the radius; fewer bits
 * beyond 66 and 80 degrees.  1..26; 26 for a zero radius. */
int geoStepForRadius(double meters, double lat);

/* The eight neighbours of a cell, indexed GEO_CELL_NORTH ..
 * GEO_CELL_SOUTH_WEST (out[0], the centre, is set to the cell itself).
 * Coordinates wrap around at the edges, as Redis's do. */
void geoNeighbours(geoCell cell, geoCell out[GEO_CELL_COUNT]);

/* The degrees a shape spans: bounds = {lonMin, latMin, lonMax, latMax}.
 * The longitude span is taken at the shape's pole-side edge. */
void geoShapeBounds(const geoShape *shape, double bounds[4]);

/* The cells a search of 'shape' scans. */
void geoSearchCells(const geoShape *shape, geoSearch *out);

/* The score range a cell covers: [cell << (52 - 2 step),
 * (cell + 1) << (52 - 2 step)). */
geoScoreRange geoCellScoreRange(geoCell cell);

/* The ranges to scan for 'search', in order, into out (room for
 * GEO_CELL_COUNT); returns how many.  The caller stops between ranges once
 * it has COUNT results, as Redis does. */
int geoSearchRanges(const geoSearch *search, geoScoreRange out[GEO_CELL_COUNT]);

/* 1 if the point (lon, lat), a member's decoded position, is inside the
 * shape; *meters is then its distance from the shape's centre (divide by
 * toMeters for WITHDIST).  A radius includes its circle.  A box holds a
 * point when its north-south distance from the centre (the latitude
 * difference along a meridian) is at most half the height, and the
 * great-circle distance from the point to the point of the centre's
 * longitude at its own latitude is at most half the width. */
int geoShapeContains(const geoShape *shape, double lon, double lat,
                     double *meters);

#endif
