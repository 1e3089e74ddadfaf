/*
 * The compiled DRAM channel controller (see accelsim/sim/dram/compiled.py): shared types.
 *
 * Nothing here knows a DRAM standard. Command numbers, what each command is for
 * (its role), which command bus it takes and every timing rule come from Python
 * (accelsim/sim/dram/rules.py) at construction, as the Python reference
 * controller reads them; the C code only holds the scheduler and the state.
 */
#ifndef ACCELSIM_CHANNEL_CORE_H
#define ACCELSIM_CHANNEL_CORE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define MAXCMD 16
#define NSCOPE 6
enum { S_BANK, S_GROUP, S_RANK, S_SIBLING, S_CHANNEL, S_LATE };
enum { R_ACT, R_PRE, R_PREA, R_RD, R_WR, NROLE };
static const int64_t NEVER = (int64_t)1 << 62;

/* A rule: ``cmd`` waits ``d`` clocks after the command the list belongs to; in the
 * late lists (rank rules towards the rare commands, evaluated when asked) ``cmd``
 * is the earlier command instead. */
typedef struct { int cmd; int64_t d; } Rule;
typedef struct { int n; Rule *r; } Rules;

typedef struct {
    int64_t seq, row, enq;
    Py_ssize_t req;  /* request id: index into done / first_enq */
    int bank, wr;
} Entry;

typedef struct {
    PyObject_HEAD
    /* organisation: nr ranks x ng bank groups x nbg banks = nb flat banks */
    int nr, ng, nbg, nb, banks, depth;
    int ncmd, nbus, role[NROLE], bus[MAXCMD];
    PyObject *names[MAXCMD];
    Rules rules[NSCOPE][MAXCMD];
    Rule *pool;
    int window_count;
    int64_t window_cycles, lat[2];
    /* refresh: command (-1: off), precharge, interval, per bank or per rank */
    int ref_cmd, ref_pre, ref_per_bank;
    int64_t ref_interval;
    /* address fields of a channel-local burst: rank, bank group, bank, row */
    int fs[4];
    int64_t fm[4];
    /* timing state: first clock each command may issue, per bank / group / rank / channel */
    int64_t *bn, *gn, *rn, *cn, *last, *window, *open_row, *ref_due;
    int *pending, *ref_bank;
    /* The queue, bank by bank: bank b's bursts, oldest first, are bq[b * depth ..
     * b * depth + bqn[b]). rhit[b] / whit[b]: index there of the oldest read / write
     * hit of the open row, -1 if none (kept up to date by every change). */
    Entry *bq;
    int *bqn, *rhit, *whit;
    int qlen;
    int64_t seq, cycle, acts, cols, refreshes;
} Core;

static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* --- the front end: runs of bursts (accelsim.sim.dram.frontend.Run) ------ */
typedef struct {
    int64_t local_start, count, avail, req_base, req_offset, req_stride, bpr;
    int is_write;
    PyObject *placed;  /* list of (bank, row, req, is_write), or NULL when contiguous */
} RunView;

/* The output of a serve: done[req] = max completion, first_enq[req] = min admission,
 * with the same request's updates kept in C while it goes on. */
typedef struct {
    PyObject *done, *first_enq, *log;
    Py_ssize_t done_req, enq_req;
    int64_t done_val, enq_val;
} Out;

static inline int64_t run_req(const RunView *run, int64_t pos) {
    return run->req_base + (run->req_offset + pos * run->req_stride) / run->bpr;
}

static inline void decode(const Core *s, int64_t local, int *bank, int64_t *row) {
    int64_t r = (local >> s->fs[0]) & s->fm[0], g = (local >> s->fs[1]) & s->fm[1];
    int64_t b = (local >> s->fs[2]) & s->fm[2];
    *bank = (int)((r * s->ng + g) * s->nbg + b);
    *row = (local >> s->fs[3]) & s->fm[3];
}

/* core_schedule.c */
int core_serve(Core *s, RunView *first, PyObject *runs, Out *out);

#endif
