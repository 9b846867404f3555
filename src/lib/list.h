/* lib/list.h -- a plain doubly linked list of void pointers.
 *
 * Used where the core needs O(1) removal of a known node (clients, pending
 * writes, reply blocks, slowlog).  The list owns its nodes; it owns the
 * values only if a `freeValue` callback is set. */
#ifndef REDIS_KV_LIST_H
#define REDIS_KV_LIST_H

typedef struct listNode {
    struct listNode *prev;
    struct listNode *next;
    void *value;
} listNode;

typedef struct list {
    listNode *head;
    listNode *tail;
    unsigned long len;
    void (*freeValue)(void *value);
} list;

list *listCreate(void);
void listRelease(list *l);
void listEmpty(list *l);
listNode *listAddNodeHead(list *l, void *value);
listNode *listAddNodeTail(list *l, void *value);
void listDelNode(list *l, listNode *node);
void listUnlinkNode(list *l, listNode *node);
listNode *listSearchValue(list *l, const void *value);
void listRotateHeadToTail(list *l);

#define listLength(l) ((l)->len)
#define listFirst(l) ((l)->head)
#define listLast(l) ((l)->tail)
#define listNext(n) ((n)->next)
#define listNodeValue(n) ((n)->value)

#endif
