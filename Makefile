# redis-kv build.  Targets: all (default), run, test, test-clients, clean, deps, check.
#   make SANITIZE=address   build with ASan + UBSan
#   make MALLOC=libc        build without jemalloc
#   make check              -Werror build, static analysis, fuzzing, and the
#                           whole test suite under ASan + UBSan (see below)
CC      ?= cc
OPT     ?= -O2
SANITIZE ?=
MALLOC  ?= jemalloc
# ASan replaces malloc itself: sanitizer builds always use libc's allocator.
ifneq ($(SANITIZE),)
  override MALLOC := libc
endif

# Lua 5.1 and its cjson and bit libraries are Debian's (deps/setup.sh); the
# headers live in lua5.1/.  libmd gives SHA1 (script names); OpenSSL
# (libssl-dev) the TLS listener (src/net/tls.c).
CFLAGS  := -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Isrc -I/usr/include/lua5.1 $(CFLAGS_EXTRA)
LUA_LIBS := -llua5.1-cjson -llua5.1-bitop -llua5.1
LDLIBS  := $(LUA_LIBS) -lmd -lssl -lcrypto -lbsd -lm -lpthread -ldl
ifeq ($(MALLOC),jemalloc)
  CFLAGS += -DUSE_JEMALLOC
  LDLIBS += -ljemalloc
endif
ifneq ($(SANITIZE),)
  CFLAGS  += -fsanitize=$(SANITIZE),undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=$(SANITIZE),undefined
endif

# WERROR=1 turns warnings into errors (make check-werror).
WERROR ?=
ifneq ($(WERROR),)
  CFLAGS += -Werror
endif

# Objects go under build/<variant>/ so sanitizer and normal builds never mix.
VARIANT  := $(if $(SANITIZE),$(SANITIZE),plain)-$(MALLOC)$(if $(WERROR),-werror)
OBJDIR   := build/$(VARIANT)

LIB_SRC    := $(wildcard src/lib/*.c)
STORE_SRC  := $(wildcard src/store/*.c)
CORE_SRC   := $(wildcard src/reactor/*.c src/net/*.c src/resp/*.c src/client/*.c \
                src/command/*.c src/cmd/*.c src/db/*.c src/pubsub/*.c src/server/*.c \
                src/script/*.c src/acl/*.c)
LIB_OBJ    := $(LIB_SRC:src/%.c=$(OBJDIR)/%.o)
STORE_OBJ  := $(STORE_SRC:src/%.c=$(OBJDIR)/%.o)
RESP_OBJ   := $(patsubst src/%.c,$(OBJDIR)/%.o,$(wildcard src/resp/*.c))
# The Lua libraries redis-kv writes itself (struct, cmsgpack) need only Lua:
# the unit tests link them too.
LUALIB_OBJ := $(patsubst src/%.c,$(OBJDIR)/%.o,$(wildcard src/script/lualib_*.c))
CORE_OBJ   := $(CORE_SRC:src/%.c=$(OBJDIR)/%.o) $(OBJDIR)/gen/command_table.o
SERVER     := src/redis-kv-server

CTEST_SRC  := $(wildcard tests/c/test_*.c)
CTEST_BIN  := $(CTEST_SRC:tests/c/%.c=$(OBJDIR)/tests/%)

UTIL_BIN   := utils/redis-kv-load utils/list-handoff utils/stream-consumers utils/disk-randread $(patsubst %.c,%,$(wildcard utils/redis-kv-check.c))

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

# Unit tests link lib/, resp/, store/ and the Lua libraries only: none of
# them may need the server (docs/DESIGN.md: store/ builds and is tested on
# its own).
$(OBJDIR)/tests/%: tests/c/%.c tests/c/test.h tests/c/test_util.h $(LIB_OBJ) $(RESP_OBJ) $(STORE_OBJ) $(LUALIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/c $(LDFLAGS) -o $@ $< $(STORE_OBJ) $(RESP_OBJ) $(LIB_OBJ) $(LUALIB_OBJ) $(LDLIBS)

utils/redis-kv-load: utils/redis-kv-load.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lhiredis -lm

utils/list-handoff: utils/list-handoff.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lhiredis -lpthread

utils/stream-consumers: utils/stream-consumers.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lhiredis -lpthread

utils/disk-randread: utils/disk-randread.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lpthread

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

# Runs every suite (C unit tests, the layer check, then the Tcl
# integration suite) and ends with one line of totals: "N passed, M failed".
TEST_ARGS ?=
test: deps
	@$(MAKE) --no-print-directory all unit-tests
	@TEST_ARGS="$(TEST_ARGS)" sh tests/run-all.sh $(OBJDIR)/tests

# The client-compatibility suite: real client libraries (Redlock,
# rate-limiter-flexible, BullMQ, redis-py's Lock) against a throw-away
# server, one line per scenario and "N passed, M failed, K skipped" last
# (tests/clients/run.tcl).  deps/setup.sh clients installs node, npm and
# python3-redis; the runner installs the pinned npm packages.  Options go
# in CLIENTS_ARGS, e.g. CLIENTS_ARGS='--server-cmd redis-server' to prove
# the scenarios against Redis itself.
.PHONY: test-clients
CLIENTS_ARGS ?=
test-clients: deps
	@sh deps/setup.sh clients
	@$(MAKE) --no-print-directory all
	@tclsh tests/clients/run.tcl $(CLIENTS_ARGS)

# Fails when a file includes a header from a layer above its own; the
# layers and the few allowed exceptions are in the script.  `make test`
# runs it too (tests/run-all.sh).
.PHONY: check-layers
check-layers: $(CMDTAB_C)
	@tclsh utils/check-layers.tcl --extra $(CMDTAB_C)=command

clean:
	rm -rf build $(SERVER) $(UTIL_BIN)

# ---- make check ------------------------------------------------------------
# Everything `make test` does not: deps/setup.sh check installs what only
# these need (clang with libFuzzer, cppcheck), so plain `make test` never
# needs them.  Each part is a target of its own:
#   check-layers   no include points up a layer (also run by `make test`)
#   check-werror   the server, the utils and the C unit tests with -Werror
#   check-analyze  cppcheck over store/, lib/ and resp/
#   check-fuzz     each libFuzzer harness of tests/fuzz/ for FUZZ_TIME s
#   check-asan     `make test SANITIZE=address` (ASan + UBSan), run last so
#                  that the output ends with its "N passed, M failed" line
.PHONY: check check-deps check-werror check-analyze check-fuzz check-asan fuzz
check: deps check-deps
	@$(MAKE) --no-print-directory check-layers
	@$(MAKE) --no-print-directory check-werror
	@$(MAKE) --no-print-directory check-analyze
	@$(MAKE) --no-print-directory check-fuzz
	@$(MAKE) --no-print-directory check-asan

check-deps:
	@sh deps/setup.sh check

check-werror:
	@$(MAKE) --no-print-directory WERROR=1 all unit-tests
	$(CC) $(CFLAGS) -Werror -fsyntax-only $(wildcard utils/*.c)

# cppcheck: real defects only (warning, portability), no style opinions.
# --error-exitcode makes any finding fail the check; a finding that is
# wrong is suppressed at its line with a comment saying why
# (/* cppcheck-suppress id */).  Suppressed everywhere:
#   missingIncludeSystem        system headers are not given to it
#   duplicateAssignExpression   flags `lo = x, hi = x;` (pitr.c), a style
#                               remark that its warning level still prints
CPPCHECK ?= cppcheck
CPPCHECK_FLAGS := --quiet --std=c11 --enable=warning,portability --inline-suppr \
                  --error-exitcode=1 -D__GNUC__ -D_GNU_SOURCE -Isrc \
                  --suppress=missingIncludeSystem --suppress=duplicateAssignExpression
check-analyze:
	$(CPPCHECK) $(CPPCHECK_FLAGS) src/store src/lib src/resp

# Fuzz harnesses: clang + libFuzzer, with ASan + UBSan.  Like the C unit
# tests they link lib/, resp/ and store/ only.  Each runs FUZZ_TIME
# seconds from its seed corpus in tests/fuzz/corpus/<harness>/ (read
# only: new inputs go to build/fuzz/corpus/); a crash leaves its input in
# build/fuzz/crash-* and fails the check.  By hand, name the scratch
# directory FIRST, since libFuzzer writes what it finds into the first one:
#   build/fuzz/fuzz_resp build/fuzz/corpus/fuzz_resp tests/fuzz/corpus/fuzz_resp
# and replay one input with  build/fuzz/fuzz_resp FILE.  Seeds are
# written by tests/fuzz/mkseeds.py.
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 25
FUZZ_DIR   := build/fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Isrc \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
FUZZ_HARNESSES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN   := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/%)
FUZZ_LIB_OBJ := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRC) $(wildcard src/resp/*.c) $(STORE_SRC))

# The objects are made by a pattern rule and used only by the harnesses:
# without this make deletes them as intermediates and rebuilds every run.
.SECONDARY: $(FUZZ_LIB_OBJ)

$(FUZZ_DIR)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(LDLIBS:-ljemalloc=)

fuzz: $(FUZZ_BIN)

check-fuzz: fuzz
	@set -e; for h in $(FUZZ_HARNESSES); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$h; \
	    echo "fuzz: $$h for $(FUZZ_TIME) s"; \
	    ./$(FUZZ_DIR)/$$h -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=10 \
	        -print_final_stats=0 -artifact_prefix=$(FUZZ_DIR)/crash-$$h- \
	        $(FUZZ_DIR)/corpus/$$h tests/fuzz/corpus/$$h 2>$(FUZZ_DIR)/$$h.log \
	        || { tail -n 60 $(FUZZ_DIR)/$$h.log; echo "fuzz: $$h FAILED (log: $(FUZZ_DIR)/$$h.log)"; exit 1; }; \
	    grep -E '^Done [0-9]+ runs' $(FUZZ_DIR)/$$h.log | tail -n 1; \
	done

check-asan:
	@$(MAKE) --no-print-directory test SANITIZE=address

-include $(shell find build -name '*.d' 2>/dev/null)
