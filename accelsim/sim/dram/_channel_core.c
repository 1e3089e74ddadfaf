/*
 * The compiled DRAM channel controller: its Python type (construction from the rule
 * tables, serve, transfer, counters). The scheduler is core_schedule.c; the model is the one of
 * accelsim/sim/dram/controller.py, which stays the reference: tests compare the two
 * command for command.
 */
#include "_channel_core.h"

#include <string.h>

static int parse_table(PyObject *seq, Rules *out, int ncmd, int64_t *used, int64_t cap,
                       Rule *pool, const char *what) {
    /* seq: for each command, a sequence of (int, int) pairs */
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast) return -1;
    if (PySequence_Fast_GET_SIZE(fast) != ncmd) {
        PyErr_Format(PyExc_ValueError, "%s: expected %d entries", what, ncmd);
        Py_DECREF(fast);
        return -1;
    }
    for (int c = 0; c < ncmd; c++) {
        PyObject *pairs = PySequence_Fast(PySequence_Fast_GET_ITEM(fast, c), what);
        if (!pairs) { Py_DECREF(fast); return -1; }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(pairs);
        if (*used + n > cap) {
            PyErr_Format(PyExc_ValueError, "%s: too many rules", what);
            Py_DECREF(pairs); Py_DECREF(fast);
            return -1;
        }
        out[c].n = (int)n;
        out[c].r = pool + *used;
        for (Py_ssize_t i = 0; i < n; i++) {
            int cmd; long long d;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(pairs, i), "iL", &cmd, &d)) {
                Py_DECREF(pairs); Py_DECREF(fast);
                return -1;
            }
            if (cmd < 0 || cmd >= ncmd || d < 0 || d > ((int64_t)1 << 40)) {
                PyErr_Format(PyExc_ValueError, "%s: bad rule (%d, %lld)", what, cmd, d);
                Py_DECREF(pairs); Py_DECREF(fast);
                return -1;
            }
            out[c].r[i].cmd = cmd;
            out[c].r[i].d = d;
        }
        *used += n;
        Py_DECREF(pairs);
    }
    Py_DECREF(fast);
    return 0;
}

static void core_dealloc(Core *self) {
    PyMem_Free(self->pool);
    PyMem_Free(self->bn); PyMem_Free(self->gn); PyMem_Free(self->rn); PyMem_Free(self->cn);
    PyMem_Free(self->last); PyMem_Free(self->window); PyMem_Free(self->open_row);
    PyMem_Free(self->ref_due); PyMem_Free(self->pending); PyMem_Free(self->ref_bank);
    PyMem_Free(self->bq); PyMem_Free(self->bqn); PyMem_Free(self->rhit); PyMem_Free(self->whit);
    for (int i = 0; i < MAXCMD; i++) Py_CLEAR(self->names[i]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int core_init(Core *self, PyObject *args, PyObject *kw) {
    static char *kwlist[] = {"ranks", "bankgroups", "banks_per_group", "depth", "latencies",
                             "window", "names", "roles", "bus", "tables", "refresh", "fields",
                             NULL};
    int nr, ng, nbg, depth;
    long long lrd, lwr, wcount, wcycles, rcmd, rpre, rint, rper;
    PyObject *names, *roles, *bus, *tables, *fields;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "iiii(LL)(LL)OOOO(LLLL)O", kwlist, &nr, &ng,
                                     &nbg, &depth, &lrd, &lwr, &wcount, &wcycles, &names, &roles,
                                     &bus, &tables, &rcmd, &rpre, &rint, &rper, &fields))
        return -1;
    if (self->pool) {
        PyErr_SetString(PyExc_RuntimeError, "ChannelCore is already initialised");
        return -1;
    }
    if (nr < 1 || ng < 1 || nbg < 1 || depth < 1 || depth > 1 << 20 || wcount < 0
        || wcount > 64 || (rcmd >= 0 && rint < 1)
        || (int64_t)nr * ng * nbg > 1 << 16) {
        PyErr_SetString(PyExc_ValueError, "bad organisation, queue depth, window or refresh");
        return -1;
    }
    PyObject *nf = PySequence_Fast(names, "names must be a sequence");
    if (!nf) return -1;
    Py_ssize_t ncmd = PySequence_Fast_GET_SIZE(nf);
    if (ncmd < 1 || ncmd > MAXCMD) {
        Py_DECREF(nf);
        PyErr_Format(PyExc_ValueError, "expected 1 to %d commands", MAXCMD);
        return -1;
    }
    self->ncmd = (int)ncmd;
    for (Py_ssize_t i = 0; i < ncmd; i++) {
        self->names[i] = PySequence_Fast_GET_ITEM(nf, i);
        Py_INCREF(self->names[i]);
    }
    Py_DECREF(nf);
    if (!PyArg_ParseTuple(roles, "iiiii", &self->role[R_ACT], &self->role[R_PRE],
                          &self->role[R_PREA], &self->role[R_RD], &self->role[R_WR]))
        return -1;
    for (int i = 0; i < NROLE; i++)
        if (self->role[i] < -1 || self->role[i] >= ncmd
            || (self->role[i] < 0 && i != R_PREA)) {
            PyErr_SetString(PyExc_ValueError, "roles: a command number out of range");
            return -1;
        }
    PyObject *bf = PySequence_Fast(bus, "bus must be a sequence");
    if (!bf) return -1;
    if (PySequence_Fast_GET_SIZE(bf) != ncmd) {
        Py_DECREF(bf);
        PyErr_SetString(PyExc_ValueError, "bus: one entry per command");
        return -1;
    }
    self->nbus = 1;
    for (Py_ssize_t i = 0; i < ncmd; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(bf, i));
        if ((v == -1 && PyErr_Occurred()) || v < 0 || v > 1) {
            Py_DECREF(bf);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "bus: 0 or 1 per command");
            return -1;
        }
        self->bus[i] = (int)v;
        if (v + 1 > self->nbus) self->nbus = (int)v + 1;
    }
    Py_DECREF(bf);
    PyObject *tf = PySequence_Fast(tables, "tables must be a sequence");
    if (!tf) return -1;
    if (PySequence_Fast_GET_SIZE(tf) != NSCOPE) {
        Py_DECREF(tf);
        PyErr_Format(PyExc_ValueError, "tables: expected %d scopes", NSCOPE);
        return -1;
    }
    const int64_t cap = 4096;
    int64_t used = 0;
    self->pool = PyMem_Calloc((size_t)cap, sizeof(Rule));
    if (!self->pool) { Py_DECREF(tf); PyErr_NoMemory(); return -1; }
    static const char *scope_names[NSCOPE] = {"bank rules", "bank group rules", "rank rules",
                                              "sibling rules", "channel rules", "late rules"};
    for (int sc = 0; sc < NSCOPE; sc++)
        if (parse_table(PySequence_Fast_GET_ITEM(tf, sc), self->rules[sc], self->ncmd, &used, cap,
                        self->pool, scope_names[sc])) {
            Py_DECREF(tf);
            return -1;
        }
    Py_DECREF(tf);
    if (rcmd < -1 || rcmd >= ncmd || rpre < -1 || rpre >= ncmd || (rcmd >= 0 && rpre < 0)) {
        PyErr_SetString(PyExc_ValueError, "refresh: command numbers out of range");
        return -1;
    }
    if (!PyArg_ParseTuple(fields, "(iL)(iL)(iL)(iL)", &self->fs[0], &self->fm[0], &self->fs[1],
                          &self->fm[1], &self->fs[2], &self->fm[2], &self->fs[3], &self->fm[3]))
        return -1;
    for (int i = 0; i < 4; i++)
        if (self->fs[i] < 0 || self->fs[i] > 62 || self->fm[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "fields: bad shift or mask");
            return -1;
        }
    self->nr = nr; self->ng = ng; self->nbg = nbg; self->banks = ng * nbg; self->nb = nr * ng * nbg;
    self->depth = depth;
    self->lat[0] = lrd; self->lat[1] = lwr;
    self->window_count = (int)wcount; self->window_cycles = wcycles;
    self->ref_cmd = (int)rcmd; self->ref_pre = (int)rpre; self->ref_interval = rint;
    self->ref_per_bank = rper != 0;
    int nb = self->nb, nc = self->ncmd, nw = self->window_count ? self->window_count : 1;
    self->bn = PyMem_Calloc((size_t)nb * nc, sizeof(int64_t));
    self->gn = PyMem_Calloc((size_t)nr * ng * nc, sizeof(int64_t));
    self->rn = PyMem_Calloc((size_t)nr * nc, sizeof(int64_t));
    self->cn = PyMem_Calloc((size_t)nc, sizeof(int64_t));
    self->last = PyMem_Calloc((size_t)nr * nc, sizeof(int64_t));
    self->window = PyMem_Calloc((size_t)nr * nw, sizeof(int64_t));
    self->open_row = PyMem_Calloc((size_t)nb, sizeof(int64_t));
    self->ref_due = PyMem_Calloc((size_t)nr, sizeof(int64_t));
    self->pending = PyMem_Calloc((size_t)nr, sizeof(int));
    self->ref_bank = PyMem_Calloc((size_t)nr, sizeof(int));
    self->bq = PyMem_Calloc((size_t)nb * depth, sizeof(Entry));
    self->bqn = PyMem_Calloc((size_t)nb, sizeof(int));
    self->rhit = PyMem_Calloc((size_t)nb, sizeof(int));
    self->whit = PyMem_Calloc((size_t)nb, sizeof(int));
    if (!self->bn || !self->gn || !self->rn || !self->cn || !self->last || !self->window
        || !self->open_row || !self->ref_due || !self->pending || !self->ref_bank || !self->bq
        || !self->bqn || !self->rhit || !self->whit) {
        PyErr_NoMemory();
        return -1;
    }
    for (int i = 0; i < nr * nc; i++) self->last[i] = -NEVER;
    for (int i = 0; i < nr * nw; i++) self->window[i] = -NEVER;
    for (int b = 0; b < nb; b++) self->open_row[b] = self->rhit[b] = self->whit[b] = -1;
    for (int r = 0; r < nr; r++) {
        self->ref_due[r] = rcmd >= 0 ? rint : NEVER;
        self->ref_bank[r] = r * self->banks;
    }
    return 0;
}

static int check_log(PyObject *log) {
    if (log != Py_None && !PyList_Check(log)) {
        PyErr_SetString(PyExc_TypeError, "log must be a list or None");
        return -1;
    }
    return 0;
}

static PyObject *core_serve_py(Core *s, PyObject *args) {
    PyObject *runs, *done, *first_enq, *log;
    if (!PyArg_ParseTuple(args, "OO!O!O", &runs, &PyList_Type, &done, &PyList_Type, &first_enq, &log)
        || check_log(log))
        return NULL;
    PyObject *fast = PySequence_Fast(runs, "runs must be a sequence");
    if (!fast) return NULL;
    Out out = {done, first_enq, log, -1, -1, 0, 0};
    int rc = core_serve(s, NULL, fast, &out);
    Py_DECREF(fast);
    if (rc) return NULL;
    Py_RETURN_NONE;
}

/* One request of ``count`` contiguous channel-local bursts from ``avail``: its completion clock. */
static PyObject *core_transfer(Core *s, PyObject *args) {
    long long local_start, count, avail;
    int is_write;
    PyObject *log;
    if (!PyArg_ParseTuple(args, "LLpLO", &local_start, &count, &is_write, &avail, &log) || check_log(log))
        return NULL;
    if (count < 1 || local_start < 0 || avail < 0) {
        PyErr_SetString(PyExc_ValueError, "transfer needs count >= 1 and local_start, avail >= 0");
        return NULL;
    }
    RunView run = {local_start, count, avail, 0, 0, 1, count, is_write, NULL};
    PyObject *done = Py_BuildValue("[L]", -1LL), *first_enq = Py_BuildValue("[L]", (long long)NEVER);
    PyObject *result = NULL;
    if (done && first_enq) {
        Out out = {done, first_enq, log, -1, -1, 0, 0};
        if (core_serve(s, &run, NULL, &out) == 0) {
            result = PyList_GET_ITEM(done, 0);
            Py_INCREF(result);
        }
    }
    Py_XDECREF(done);
    Py_XDECREF(first_enq);
    return result;
}

static PyObject *core_get(Core *s, void *which) {
    switch ((intptr_t)which) {
    case 0: return PyLong_FromLongLong(s->cycle);
    case 1: return PyLong_FromLongLong(s->acts);
    case 2: return PyLong_FromLongLong(s->cols);
    case 3: return PyLong_FromLongLong(s->refreshes);
    case 4: return PyLong_FromLong(s->qlen);
    default: {
        PyObject *rows = PyList_New(s->nb);
        if (!rows) return NULL;
        for (int b = 0; b < s->nb; b++) PyList_SET_ITEM(rows, b, PyLong_FromLongLong(s->open_row[b]));
        return rows;
    }
    }
}

static PyGetSetDef core_getset[] = {
    {"cycle", (getter)core_get, NULL, "controller clock where the last serve stopped", (void *)0},
    {"acts", (getter)core_get, NULL, "ACT commands issued", (void *)1},
    {"column_commands", (getter)core_get, NULL, "RD and WR commands issued", (void *)2},
    {"refreshes", (getter)core_get, NULL, "refresh commands issued", (void *)3},
    {"qlen", (getter)core_get, NULL, "bursts in the queue", (void *)4},
    {"open_row", (getter)core_get, NULL, "open row per flat bank (-1: closed), a copy", (void *)5},
    {NULL},
};

static PyMethodDef core_methods[] = {
    {"serve", (PyCFunction)core_serve_py, METH_VARARGS,
     "serve(runs, done, first_enq, log): ChannelController.serve, compiled."},
    {"transfer", (PyCFunction)core_transfer, METH_VARARGS,
     "transfer(local_start, count, is_write, avail, log) -> completion clock of one contiguous request."},
    {NULL},
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "accelsim.sim.dram._channel_core.ChannelCore",
    .tp_basicsize = sizeof(Core),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One DRAM channel's FR-FCFS controller state and scheduler (see controller.py).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)core_init,
    .tp_dealloc = (destructor)core_dealloc,
    .tp_methods = core_methods,
    .tp_getset = core_getset,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_channel_core",
    "The DRAM channel controller's scheduler in C (see accelsim/sim/dram/compiled.py).", -1, NULL,
};

PyMODINIT_FUNC PyInit__channel_core(void) {
    if (PyType_Ready(&CoreType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&CoreType);
    if (PyModule_AddObject(m, "ChannelCore", (PyObject *)&CoreType) < 0) {
        Py_DECREF(&CoreType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
