/* store/coll_list.c -- the LIST encoding of a collection: elements kept
 * in the order of their positions (collection.h, "Lists"). */
#include "store/collection.h"

void collListPosName(uint64_t pos, char out[COLL_LIST_NAME_LEN]) {
    for (int i = COLL_LIST_NAME_LEN - 1; i >= 0; i--) {
        out[i] = (char)(pos & 0xff);
        pos >>= 8;
    }
}

uint64_t collListNamePos(const char *name) {
    uint64_t pos = 0;
    for (int i = 0; i < COLL_LIST_NAME_LEN; i++) pos = pos << 8 | (unsigned char)name[i];
    return pos;
}

void collListRankName(uint64_t i, char out[COLL_LIST_NAME_LEN]) {
    collListPosName(COLL_LIST_START + i * COLL_LIST_GAP, out);
}
