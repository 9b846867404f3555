/* db/db_internal.h -- what db/'s own modules share, and nothing outside
 * db/ may include: the context dbInit was given (db.h). */
#ifndef REDIS_KV_DB_INTERNAL_H
#define REDIS_KV_DB_INTERNAL_H

#include "db/db.h"

const dbContext *dbGetContext(void);

#endif
