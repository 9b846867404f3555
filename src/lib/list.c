/* lib/list.c -- a plain doubly linked list.  See list.h. */
#include "lib/list.h"
#include "lib/alloc.h"

list *listCreate(void) {
    list *l = xmalloc(sizeof(*l));
    l->head = l->tail = NULL;
    l->len = 0;
    l->freeValue = NULL;
    return l;
}

/* Removes every node, freeing values through freeValue when it is set. */
void listEmpty(list *l) {
    listNode *n = l->head;
    while (n) {
        listNode *next = n->next;
        if (l->freeValue) l->freeValue(n->value);
        xfree(n);
        n = next;
    }
    l->head = l->tail = NULL;
    l->len = 0;
}

void listRelease(list *l) {
    if (!l) return;
    listEmpty(l);
    xfree(l);
}

listNode *listAddNodeHead(list *l, void *value) {
    listNode *n = xmalloc(sizeof(*n));
    n->value = value;
    n->prev = NULL;
    n->next = l->head;
    if (l->head) l->head->prev = n;
    else l->tail = n;
    l->head = n;
    l->len++;
    return n;
}

listNode *listAddNodeTail(list *l, void *value) {
    listNode *n = xmalloc(sizeof(*n));
    n->value = value;
    n->next = NULL;
    n->prev = l->tail;
    if (l->tail) l->tail->next = n;
    else l->head = n;
    l->tail = n;
    l->len++;
    return n;
}

/* Detaches a node without freeing it or its value. */
void listUnlinkNode(list *l, listNode *n) {
    if (n->prev) n->prev->next = n->next;
    else l->head = n->next;
    if (n->next) n->next->prev = n->prev;
    else l->tail = n->prev;
    n->prev = n->next = NULL;
    l->len--;
}

/* Detaches and frees a node; the value is freed only via freeValue. */
void listDelNode(list *l, listNode *n) {
    listUnlinkNode(l, n);
    if (l->freeValue) l->freeValue(n->value);
    xfree(n);
}

listNode *listSearchValue(list *l, const void *value) {
    for (listNode *n = l->head; n; n = n->next)
        if (n->value == value) return n;
    return NULL;
}

void listRotateHeadToTail(list *l) {
    if (l->len <= 1) return;
    listNode *h = l->head;
    listUnlinkNode(l, h);
    h->next = NULL;
    h->prev = l->tail;
    l->tail->next = h;
    l->tail = h;
    l->len++;
}
