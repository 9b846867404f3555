# redis-kv build.  Targets: all (default), run, test, clean, deps.
#   make SANITIZE=address   build with ASan + UBSan
#   make MALLOC=libc        build without jemalloc
CC      ?= cc
OPT     ?= -O2
SANITIZE ?=
MALLOC  ?= jemalloc
# ASan replaces malloc itself: sanitizer builds always use libc's allocator.
ifneq ($(SANITIZE),)
  override MALLOC := libc
endif

CFLAGS  := -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Isrc $(CFLAGS_EXTRA)
LDLIBS  := -lbsd -lm -lpthread -ldl
ifeq ($(MALLOC),jemalloc)
  CFLAGS += -DUSE_JEMALLOC
  LDLIBS += -ljemalloc
endif
ifneq ($(SANITIZE),)
  CFLAGS  += -fsanitize=$(SANITIZE),undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=$(SANITIZE),undefined
endif

# Objects go under build/<variant>/ so sanitizer and normal builds never mix.
VARIANT  := $(if $(SANITIZE),$(SANITIZE),plain)-$(MALLOC)
OBJDIR   := build/$(VARIANT)

LIB_SRC    := $(wildcard src/lib/*.c)
STORE_SRC  := $(wildcard src/store/*.c)
CORE_SRC   := $(wildcard src/reactor/*.c src/net/*.c src/resp/*.c src/client/*.c \
                src/command/*.c src/cmd/*.c src/db/*.c src/pubsub/*.c src/server/*.c)
LIB_OBJ    := $(LIB_SRC:src/%.c=$(OBJDIR)/%.o)
STORE_OBJ  := $(STORE_SRC:src/%.c=$(OBJDIR)/%.o)
RESP_OBJ   := $(patsubst src/%.c,$(OBJDIR)/%.o,$(wildcard src/resp/*.c))
CORE_OBJ   := $(CORE_SRC:src/%.c=$(OBJDIR)/%.o) $(OBJDIR)/gen/command_table.o
SERVER     := src/redis-kv-server

CTEST_SRC  := $(wildcard tests/c/test_*.c)
CTEST_BIN  := $(CTEST_SRC:tests/c/%.c=$(OBJDIR)/tests/%)

UTIL_BIN   := utils/redis-kv-load $(patsubst %.c,%,$(wildcard utils/redis-kv-check.c))

.PHONY: all run test clean deps unit-tests tcl-tests
all: $(SERVER) $(UTIL_BIN)

$(OBJDIR)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The command table is generated from src/commands/*.json by a Tcl script
# (tclsh is a build dependency, see deps/setup.sh) into build/gen/, never
# checked in: see the header of utils/gen-command-table.tcl.  Depending on
# the directory too rebuilds it when a data file is added or removed.
TCLSH      ?= tclsh
CMDTAB_C   := build/gen/command_table.c
$(CMDTAB_C): utils/gen-command-table.tcl src/command/command.h src/commands $(wildcard src/commands/*.json)
	@mkdir -p $(dir $@)
	$(TCLSH) utils/gen-command-table.tcl src/commands src/command/command.h $@

$(OBJDIR)/gen/command_table.o: $(CMDTAB_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The binary is linked per variant and then copied into place, so switching
# between plain and sanitizer builds always leaves the variant asked for.
$(OBJDIR)/redis-kv-server: $(CORE_OBJ) $(STORE_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $^ $(LDLIBS)

.PHONY: $(SERVER)
$(SERVER): $(OBJDIR)/redis-kv-server
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

# Unit tests link lib/, resp/ and store/ only: none of them may need the
# server (DESIGN.md: store/ builds and is tested on its own).
$(OBJDIR)/tests/%: tests/c/%.c tests/c/test.h tests/c/test_util.h $(LIB_OBJ) $(RESP_OBJ) $(STORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/c $(LDFLAGS) -o $@ $< $(STORE_OBJ) $(RESP_OBJ) $(LIB_OBJ) $(LDLIBS)

utils/redis-kv-load: utils/redis-kv-load.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lhiredis -lm

# The offline data-dir tool links the same store/ code as the server.
utils/redis-kv-check: utils/redis-kv-check.c $(STORE_OBJ) $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(STORE_OBJ) $(LIB_OBJ) $(LDLIBS)

deps:
	@sh deps/setup.sh

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p data
	./$(SERVER) redis-kv.conf

unit-tests: $(CTEST_BIN)

# Runs every suite (C unit tests, then the Tcl integration suite) and ends
# with one line of totals: "N passed, M failed".
TEST_ARGS ?=
test: deps
	@$(MAKE) --no-print-directory all unit-tests
	@TEST_ARGS="$(TEST_ARGS)" sh tests/run-all.sh $(OBJDIR)/tests

clean:
	rm -rf build $(SERVER) $(UTIL_BIN)

-include $(shell find build -name '*.d' 2>/dev/null)
