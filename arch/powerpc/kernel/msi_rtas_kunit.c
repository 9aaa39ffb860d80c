// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the pSeries RTAS MSI backend
 *
 * Included at the end of msi_rtas.c, whose static functions it calls:
 * the suite is built into the kernel with the backend or not at all.
 *
 * The backend's two RTAS calls and its busy wait are redirected to a
 * simulator of ibm,change-msi and ibm,query-interrupt-source-number
 * (static stubs), and its interrupt sources belong to a small simulated
 * interrupt controller, an irq domain of the test's own with an RTAS-MSI
 * domain over it as on a real partition, so the tests run on any pSeries
 * kernel, XIVE or XICS, without touching firmware. Every test checks that
 * nothing is left behind: no mapping in either domain, no interrupt
 * descriptor, no vector held by the simulated firmware unless the test
 * holds it on purpose.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/hardirq.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/irqnr.h>
#include <linux/msi.h>
#include <linux/msi_ops_kunit.h>
#include <linux/minmax.h>
#include <linux/numa.h>
#include <linux/workqueue.h>

#include <asm/pci-bridge.h>
#include <asm/rtas.h>
#include <asm/xive.h>

#define SIM_SOURCE_BASE	0x100	/* first source number firmware hands out */
#define SIM_HWIRQS	0x200	/* sources the test controller accepts */
#define SIM_MAX_VEC	16
#define SIM_MAX_SCRIPT	8

/* The simulated firmware */
struct rtas_sim {
	/* Configuration */
	unsigned int	pool;		/* vectors left in the PE */
	unsigned int	cap;		/* most vectors for one function */
	bool		cap_no_alloc;	/* over the cap: answer the cap only */
	int		script[SIM_MAX_SCRIPT];	/* statuses before the answer */
	unsigned int	nscript;
	int		busy_forever;	/* every change-msi returns this */
	unsigned int	busy_changes;	/* requests answered busy first */
	unsigned int	busy_releases;	/* releases answered busy first */
	int		busy_status;	/* ... with this status */
	bool		competitor;	/* another function takes what is freed */
	bool		move_sources;	/* a new grant gets new sources */
	int		change_status;	/* change-msi (nvec > 0) fails so */
	unsigned int	refuse_above;	/* nvec above this: parameter error */
	u32		refuse_func;	/* this function code: parameter error */
	int		release_status;	/* release fails so */
	int		release_keeps;	/* release reports vectors kept */
	int		query_status;	/* query of query_index fails so */
	unsigned int	query_index;
	u32		source[SIM_MAX_VEC];	/* non-zero: source override */

	/* State and call log */
	unsigned int	held;
	u32		base;		/* source of vector 0 */
	unsigned int	stolen;		/* vectors the competitor took */
	s64		now_ns;		/* the backend's clock */
	unsigned int	changes;
	unsigned int	releases;
	unsigned int	delays;
	u32		seq_seen[SIM_MAX_SCRIPT + 1];
	u32		funcs[4];
	unsigned int	nfuncs;
};

/* One source of the simulated interrupt controller */
struct sim_src {
	u32		hw;
	unsigned int	eoi;
	unsigned int	mask;
	unsigned int	unmask;
	unsigned int	retrigger;
	bool		in_flight;	/* reported as active to genirq */
};

struct rtas_msi_test {
	struct rtas_sim		sim;
	struct fwnode_handle	*fwnode;
	struct irq_domain	*dom;	/* the interrupt controller */
	struct irq_domain	*rdom;	/* RTAS-MSI, over it */
	struct rtas_msi_addr	addr;
	struct rtas_msi_vec	vec[SIM_MAX_VEC];
	unsigned int		descs;	/* interrupt descriptors before */
	struct pci_dev		*pdev;	/* the simulated function, if any */
	struct device		owner;	/* only compared: whose vectors */
	struct device		other;
	struct sim_src		src[SIM_HWIRQS];
};

static struct rtas_sim *sim_of(void)
{
	struct kunit *test = kunit_get_current_test();

	return &((struct rtas_msi_test *)test->priv)->sim;
}

static int sim_change(const struct rtas_msi_addr *a, u32 func, u32 nvec,
		      u32 seq, int *out)
{
	struct rtas_sim *s = sim_of();
	unsigned int calls = s->changes++;
	unsigned int grant;

	if (calls < ARRAY_SIZE(s->seq_seen))
		s->seq_seen[calls] = seq;
	if (s->nfuncs < ARRAY_SIZE(s->funcs))
		s->funcs[s->nfuncs++] = func;
	out[0] = 0;
	out[1] = seq + 1;
	out[2] = 0;

	if (s->busy_forever)
		return s->busy_forever;
	if (calls < s->nscript && s->script[calls])
		return s->script[calls];
	if (func == s->refuse_func)
		return RTAS_INVALID_PARAMETER;

	if (!nvec) {
		if (s->busy_releases) {
			s->busy_releases--;
			return s->busy_status;
		}
		s->releases++;
		if (s->release_status)
			return s->release_status;
		if (s->release_keeps) {
			out[0] = s->release_keeps;
			return 0;
		}
		if (!s->held)
			return RTAS_HARDWARE_ERROR;	/* nothing to release */
		s->pool += s->held;
		s->held = 0;
		if (s->competitor) {
			s->stolen += s->pool;
			s->pool = 0;
		}
		return 0;
	}

	if (s->change_status)
		return s->change_status;
	if (s->refuse_above && nvec > s->refuse_above)
		return RTAS_INVALID_PARAMETER;
	/* A new request replaces what the function held, in one step */
	s->pool += s->held;
	s->held = 0;
	grant = min3(nvec, s->pool, s->cap);
	if (grant < nvec && s->cap_no_alloc) {
		out[0] = grant;
		return 0;
	}
	s->held = grant;
	s->pool -= grant;
	if (s->move_sources)
		s->base += SIM_MAX_VEC;
	/* Busy: the change has begun, firmware holds the vectors already */
	if (s->busy_changes) {
		s->busy_changes--;
		return s->busy_status;
	}
	out[0] = grant;
	return 0;
}

static int sim_query(const struct rtas_msi_addr *a, u32 index, int *out)
{
	struct rtas_sim *s = sim_of();

	if (s->query_status && index == s->query_index)
		return s->query_status;
	if (index >= s->held)
		return RTAS_HARDWARE_ERROR;
	out[0] = index < SIM_MAX_VEC && s->source[index] ?
		 s->source[index] : s->base + index;
	out[1] = 1;	/* edge */
	return 0;
}

/*
 * No sleeping under test: the wait moves the backend's clock on instead,
 * by what rtas_busy_delay() would sleep (a plain busy status costs it a
 * cond_resched(), counted as 100 us here, more than it takes).
 */
static bool sim_busy_delay(int status)
{
	struct rtas_sim *s = sim_of();

	if (status == RTAS_BUSY) {
		s->now_ns += 100 * NSEC_PER_USEC;
	} else if (status >= RTAS_EXTENDED_DELAY_MIN &&
		   status <= RTAS_EXTENDED_DELAY_MAX) {
		s->now_ns += clamp(rtas_busy_delay_time(status), 1U, 1000U) *
			     NSEC_PER_MSEC;
	} else {
		return false;
	}
	s->delays++;
	return true;
}

static ktime_t sim_now(void)
{
	return ns_to_ktime(sim_of()->now_ns);
}

/*
 * The test's interrupt controller: sources below SIM_HWIRQS only, with a
 * fasteoi flow like XIVE and XICS. Like XIVE it keeps per-source data in
 * the handler data (struct sim_src), and it counts what the interrupt
 * core asks of each source.
 */
static struct sim_src *sim_src_of(struct irq_data *d)
{
	struct sim_src *src = irq_data_get_irq_handler_data(d);

	/* The source data moves with the source, or it is a bug */
	WARN_ON_ONCE(src->hw != irqd_to_hwirq(d));
	return src;
}

static void sim_chip_eoi(struct irq_data *d)
{
	sim_src_of(d)->eoi++;
}

static void sim_chip_mask(struct irq_data *d)
{
	sim_src_of(d)->mask++;
}

static void sim_chip_unmask(struct irq_data *d)
{
	sim_src_of(d)->unmask++;
}

/* Like XIVE: the source raises the interrupt again itself */
static int sim_chip_retrigger(struct irq_data *d)
{
	sim_src_of(d)->retrigger++;
	return 1;
}

static int sim_chip_get_state(struct irq_data *d, enum irqchip_irq_state which,
			      bool *state)
{
	if (which != IRQCHIP_STATE_ACTIVE)
		return -EINVAL;
	*state = READ_ONCE(sim_src_of(d)->in_flight);
	return 0;
}

static struct irq_chip sim_chip = {
	.name			= "rtas-msi-kunit",
	.irq_eoi		= sim_chip_eoi,
	.irq_mask		= sim_chip_mask,
	.irq_unmask		= sim_chip_unmask,
	.irq_retrigger		= sim_chip_retrigger,
	.irq_get_irqchip_state	= sim_chip_get_state,
};

static int sim_dom_translate(struct irq_domain *d, struct irq_fwspec *fwspec,
			     unsigned long *hwirq, unsigned int *type)
{
	if (fwspec->param_count < 1)
		return -EINVAL;
	*hwirq = fwspec->param[0];
	*type = IRQ_TYPE_EDGE_RISING;
	return 0;
}

static int sim_dom_alloc(struct irq_domain *d, unsigned int virq,
			 unsigned int nr_irqs, void *arg)
{
	struct rtas_msi_test *t = d->host_data;
	struct irq_fwspec *fwspec = arg;
	unsigned int i;

	for (i = 0; i < nr_irqs; i++) {
		if (fwspec->param[0] + i >= SIM_HWIRQS)
			return -EINVAL;
		irq_domain_set_info(d, virq + i, fwspec->param[0] + i,
				    &sim_chip, NULL, handle_fasteoi_irq,
				    &t->src[fwspec->param[0] + i], NULL);
	}
	return 0;
}

static void sim_dom_free(struct irq_domain *d, unsigned int virq,
			 unsigned int nr_irqs)
{
	unsigned int i;

	for (i = 0; i < nr_irqs; i++)
		irq_domain_reset_irq_data(irq_domain_get_irq_data(d, virq + i));
}

static const struct irq_domain_ops sim_dom_ops = {
	.translate	= sim_dom_translate,
	.alloc		= sim_dom_alloc,
	.free		= sim_dom_free,
};

static unsigned int count_irq_descs(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_irqs; i++)
		n += !!irq_to_desc(i);
	return n;
}

static unsigned int count_mappings(struct irq_domain *dom)
{
	unsigned int h, n = 0;

	for (h = 0; h < SIM_HWIRQS; h++)
		n += !!irq_find_mapping(dom, h);
	return n;
}

/* What the backend's debugfs count says firmware holds for @a */
static unsigned int held_count(const struct rtas_msi_addr *a)
{
	struct rtas_msi_fn *fn;
	unsigned int n;

	mutex_lock(&rtas_msi_fn_lock);
	fn = rtas_msi_fn_find(a, false);
	n = fn ? fn->held : 0;
	mutex_unlock(&rtas_msi_fn_lock);
	return n;
}

static struct irq_domain *sim_irq_domain(void)
{
	struct kunit *test = kunit_get_current_test();

	return ((struct rtas_msi_test *)test->priv)->rdom;
}

static void rtas_msi_sim_remove_domains(void *data)
{
	struct rtas_msi_test *t = data;
	struct fwnode_handle *rfwnode = t->rdom->fwnode;

	irq_domain_remove(t->rdom);
	irq_domain_free_fwnode(rfwnode);
	irq_domain_remove(t->dom);
	irq_domain_free_fwnode(t->fwnode);
}

/*
 * The simulated firmware and interrupt controller, until @test ends:
 * test->priv is the test's state, the backend's RTAS calls, clock and
 * irq domain are the simulator's.
 */
static struct rtas_msi_test *rtas_msi_sim_start(struct kunit *test)
{
	struct rtas_msi_test *t;
	unsigned int i;

	KUNIT_ASSERT_NULL(test, test->priv);
	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < SIM_HWIRQS; i++)
		t->src[i].hw = i;
	t->sim.pool = 64;
	t->sim.base = SIM_SOURCE_BASE;
	t->sim.busy_status = RTAS_BUSY;
	t->sim.cap = SIM_MAX_VEC;
	t->addr.config = 0x800;
	t->addr.buid = 0x800000020000000ULL;
	t->addr.name = "kunit-fn";

	t->fwnode = irq_domain_alloc_named_fwnode("rtas-msi-kunit");
	KUNIT_ASSERT_NOT_NULL(test, t->fwnode);
	t->dom = irq_domain_create_linear(t->fwnode, SIM_HWIRQS, &sim_dom_ops,
					  t);
	if (!t->dom)
		irq_domain_free_fwnode(t->fwnode);
	KUNIT_ASSERT_NOT_NULL(test, t->dom);
	t->rdom = rtas_msi_domain_create(t->dom, "RTAS-MSI-kunit");
	if (!t->rdom) {
		irq_domain_remove(t->dom);
		irq_domain_free_fwnode(t->fwnode);
	}
	KUNIT_ASSERT_NOT_NULL(test, t->rdom);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							rtas_msi_sim_remove_domains,
							t), 0);
	t->descs = count_irq_descs();
	test->priv = t;

	kunit_activate_static_stub(test, rtas_msi_fw_change, sim_change);
	kunit_activate_static_stub(test, rtas_msi_fw_query, sim_query);
	kunit_activate_static_stub(test, rtas_msi_busy_delay, sim_busy_delay);
	kunit_activate_static_stub(test, rtas_msi_now, sim_now);
	kunit_activate_static_stub(test, rtas_msi_irq_domain, sim_irq_domain);
	return t;
}

static int rtas_msi_test_init(struct kunit *test)
{
	rtas_msi_sim_start(test);
	return 0;
}

/* Nothing leaked by the backend, whatever the test did */
static void rtas_msi_test_exit(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, held_count(&t->addr), t->sim.held);
	KUNIT_EXPECT_EQ(test, count_mappings(t->dom), 0);
	KUNIT_EXPECT_EQ(test, count_mappings(t->rdom), 0);
	KUNIT_EXPECT_EQ(test, count_irq_descs(), t->descs);
}

static int get(struct rtas_msi_test *t, u32 func, unsigned int ask,
	       unsigned int nvec)
{
	return rtas_msi_get(t->rdom, &t->addr, func, ask, nvec, t->vec, NULL,
			    NUMA_NO_NODE);
}

/* Release what a successful get() obtained, as ->free() does */
static void put(struct kunit *test, struct rtas_msi_test *t, unsigned int n)
{
	rtas_msi_unmap(t->vec, n);
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), 0);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

static void rtas_msi_test_msix_all_granted(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	struct irq_data *d;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 4, 4), 0);
	KUNIT_EXPECT_EQ(test, t->sim.held, 4);
	KUNIT_EXPECT_EQ(test, t->sim.funcs[0], RTAS_MSI_FN_MSIX);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, t->vec[i].source, SIM_SOURCE_BASE + i);
		KUNIT_EXPECT_NE(test, t->vec[i].virq, 0);
		KUNIT_EXPECT_EQ(test, irq_find_mapping(t->dom, t->vec[i].source),
				t->vec[i].virq);
		/* A racing edge is replayed, not dropped by fasteoi */
		d = irq_get_irq_data(t->vec[i].virq);
		KUNIT_EXPECT_TRUE(test, irqd_needs_resend_when_in_progress(d));
	}
	KUNIT_EXPECT_EQ(test, count_mappings(t->dom), 4);
	put(test, t, 4);
}

static void rtas_msi_test_msi_block(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSI, 4, 4), 0);
	for (i = 1; i < 4; i++)
		KUNIT_EXPECT_EQ(test, t->vec[i].virq, t->vec[0].virq + i);
	put(test, t, 4);
}

/* QEMU's way: over the function's limit, answer the limit, hold nothing */
static void rtas_msi_test_partial_grant_no_alloc(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.cap = 3;
	t->sim.cap_no_alloc = true;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 8, 8), 3);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	/* The core retries with the count */
	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 3, 3), 0);
	put(test, t, 3);
}

/* Firmware that allocates what it grants: the backend gives it back */
static void rtas_msi_test_partial_grant_held(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.pool = 2;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 4, 4), 2);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_EQ(test, t->sim.pool, 2);
	KUNIT_EXPECT_EQ(test, t->sim.releases, 1);
}

static void rtas_msi_test_quota_exhausted(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.pool = 0;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSI, 1, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

static void rtas_msi_test_busy_retries(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	int script[] = { RTAS_BUSY, RTAS_EXTENDED_DELAY_MIN,
			 RTAS_EXTENDED_DELAY_MIN + 2, RTAS_BUSY };
	unsigned int i;

	memcpy(t->sim.script, script, sizeof(script));
	t->sim.nscript = ARRAY_SIZE(script);
	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), 0);
	KUNIT_EXPECT_EQ(test, t->sim.delays, ARRAY_SIZE(script));
	/* Each retry continues with the sequence number firmware gave */
	for (i = 0; i <= ARRAY_SIZE(script); i++)
		KUNIT_EXPECT_EQ(test, t->sim.seq_seen[i], i + 1);
	put(test, t, 2);
}

/* Firmware busy past the deadline: every call, the release's too */
static void rtas_msi_test_busy_forever(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	s64 limit = RTAS_MSI_BUSY_TIMEOUT_MS * NSEC_PER_MSEC;

	t->sim.busy_forever = RTAS_EXTENDED_DELAY_MIN + 1;
	KUNIT_EXPECT_EQ(test, rtas_msi_change(&t->addr, RTAS_MSI_FN_MSIX, 2),
			-ETIMEDOUT);
	/* The change, then the release after it, each up to the deadline */
	KUNIT_EXPECT_GE(test, t->sim.now_ns, 2 * limit);
	KUNIT_EXPECT_LE(test, t->sim.now_ns, 2 * (limit + 10 * NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

/*
 * A plain busy status costs firmware and rtas_busy_delay() next to no
 * time: thousands of them are no reason to give up.
 */
static void rtas_msi_test_busy_many(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.busy_changes = 5000;
	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), 0);
	KUNIT_EXPECT_EQ(test, t->sim.delays, 5000);
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);
	/* The release is retried as well */
	t->sim.busy_releases = 3000;
	put(test, t, 2);
	KUNIT_EXPECT_EQ(test, t->sim.busy_releases, 0);
}

/*
 * Firmware that began a change and stays busy with it past the deadline:
 * the backend gives up with -ETIMEDOUT, and firmware holds nothing for
 * the function afterwards, although it had taken the vectors already.
 */
static void rtas_msi_test_busy_past_deadline(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	s64 limit = RTAS_MSI_BUSY_TIMEOUT_MS * NSEC_PER_MSEC;
	unsigned int changes;

	t->sim.busy_changes = UINT_MAX;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), -ETIMEDOUT);
	KUNIT_EXPECT_GE(test, t->sim.now_ns, limit);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_EQ(test, t->sim.pool, 64);
	KUNIT_EXPECT_GE(test, t->sim.releases, 1);

	/* Extended delays: about 100 ms each, so about 100 calls */
	t->sim.now_ns = 0;
	changes = t->sim.changes;
	t->sim.busy_status = RTAS_EXTENDED_DELAY_MIN + 2;
	KUNIT_EXPECT_EQ(test, rtas_msi_change(&t->addr, RTAS_MSI_FN_MSI, 4),
			-ETIMEDOUT);
	KUNIT_EXPECT_GE(test, t->sim.now_ns, limit);
	KUNIT_EXPECT_LE(test, t->sim.changes - changes, 110);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

/*
 * The count of firmware-held vectors (debugfs rtas_msi/held) follows
 * firmware: grants, releases, grants that hold nothing (QEMU over a
 * function's limit), and releases that fail with vectors left behind.
 */
static void rtas_msi_test_held_count(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 4, 3), 0);
	KUNIT_EXPECT_EQ(test, held_count(&t->addr), 4);
	rtas_msi_unmap(t->vec, 3);
	t->sim.release_status = RTAS_HARDWARE_ERROR;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), -EIO);
	KUNIT_EXPECT_GE(test, held_count(&t->addr), 1);
	t->sim.release_status = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), 0);
	KUNIT_EXPECT_EQ(test, held_count(&t->addr), 0);

	t->sim.cap = 2;
	t->sim.cap_no_alloc = true;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 4, 4), 2);
	KUNIT_EXPECT_EQ(test, held_count(&t->addr), 0);
}

struct rtas_msi_errcase {
	int	status;
	int	err;
	const char *name;
};

static const struct rtas_msi_errcase rtas_msi_errcases[] = {
	{ RTAS_HARDWARE_ERROR,		-EIO,		"hardware error" },
	{ RTAS_INVALID_PARAMETER,	-EINVAL,	"parameter error" },
	{ RTAS_ML_ISOLATION_ERROR,	-ENXIO,		"isolated" },
	{ -9002,			-EPERM,		"not authorized" },
	{ -77,				-EIO,		"unknown negative" },
	{ 42,				-EIO,		"unexpected positive" },
};

static void rtas_msi_errcase_desc(const struct rtas_msi_errcase *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%d (%s)", c->status, c->name);
}

KUNIT_ARRAY_PARAM(rtas_msi_err, rtas_msi_errcases, rtas_msi_errcase_desc);

static void rtas_msi_test_error_codes(struct kunit *test)
{
	const struct rtas_msi_errcase *c = test->param_value;
	struct rtas_msi_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, rtas_msi_errno(c->status), c->err);
	t->sim.change_status = c->status;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), c->err);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	t->sim.change_status = 0;
	t->sim.query_status = c->status;
	t->sim.query_index = 1;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), c->err);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

static void rtas_msi_test_legacy_fallback(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.refuse_func = RTAS_MSI_FN_MSI;
	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSI, 1, 1), 0);
	KUNIT_EXPECT_EQ(test, t->sim.funcs[0], RTAS_MSI_FN_MSI);
	/* The failed request is followed by a release, in both codes */
	KUNIT_EXPECT_EQ(test, t->sim.funcs[1], RTAS_MSI_FN_MSI);
	KUNIT_EXPECT_EQ(test, t->sim.funcs[2], RTAS_MSI_FN_LEGACY);
	KUNIT_EXPECT_EQ(test, t->sim.funcs[3], RTAS_MSI_FN_LEGACY);
	/* Release falls back the same way */
	put(test, t, 1);
}

/* A power of two is asked first; refused, the exact count is asked */
static void rtas_msi_test_round_up_refused(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.refuse_above = 5;
	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 8, 5), 0);
	KUNIT_EXPECT_EQ(test, t->sim.held, 5);
	put(test, t, 5);
}

static void rtas_msi_test_round_up_granted(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 8, 5), 0);
	KUNIT_EXPECT_EQ(test, t->sim.held, 8);
	KUNIT_EXPECT_EQ(test, count_mappings(t->dom), 5);
	put(test, t, 5);
}

static void rtas_msi_test_garbage_out_of_range(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.source[2] = SIM_HWIRQS + 7;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 4, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

static void rtas_msi_test_garbage_in_block(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.source[1] = SIM_HWIRQS + 1;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSI, 4, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

static void rtas_msi_test_garbage_duplicate(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.source[3] = SIM_SOURCE_BASE + 1;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 4, 4), -EBUSY);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

/* A source Linux uses already (another device, an LSI) stays its owner's */
static void rtas_msi_test_garbage_in_use(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	struct irq_fwspec fwspec = {
		.fwnode = t->fwnode,
		.param_count = 2,
		.param = { SIM_SOURCE_BASE + 1, 0 },
	};
	int other;

	other = __irq_domain_alloc_irqs(t->dom, -1, 1, NUMA_NO_NODE, &fwspec,
					false, NULL);
	KUNIT_ASSERT_GT(test, other, 0);
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSI, 2, 2), -EBUSY);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(t->dom, SIM_SOURCE_BASE + 1),
			other);
	KUNIT_EXPECT_EQ(test, count_mappings(t->dom), 1);
	irq_dispose_mapping(other);
}

static void rtas_msi_test_release_refused(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), 0);
	rtas_msi_unmap(t->vec, 2);
	t->sim.release_status = RTAS_HARDWARE_ERROR;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), -EIO);
	/* The Linux side is gone all the same */
	KUNIT_EXPECT_EQ(test, t->vec[0].virq, 0);
	KUNIT_EXPECT_EQ(test, t->vec[1].virq, 0);
	t->sim.release_status = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), 0);

	/* Firmware claiming success but keeping vectors is a failure too */
	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), 0);
	rtas_msi_unmap(t->vec, 2);
	t->sim.release_keeps = 2;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), -EIO);
	t->sim.release_keeps = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), 0);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

/* A failed setup is undone even when firmware will not release */
static void rtas_msi_test_undo_release_refused(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	t->sim.source[1] = SIM_HWIRQS;
	t->sim.release_status = RTAS_HARDWARE_ERROR;
	KUNIT_EXPECT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 3, 3), -EINVAL);
	/* The explicit function code, then the legacy one, as upstream */
	KUNIT_EXPECT_EQ(test, t->sim.releases, 2);
	t->sim.release_status = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), 0);
}

/* Handler of the interrupts the restore tests request */
static irqreturn_t follow_handler(int irq, void *data)
{
	atomic_inc(data);
	return IRQ_HANDLED;
}

/* An interrupt raised at source @hw reaches the handler of @virq */
static void expect_delivered(struct kunit *test, struct irq_domain *dom,
			     u32 hw, unsigned int virq, atomic_t *count)
{
	int before = atomic_read(count);

	KUNIT_EXPECT_EQ(test, irq_find_mapping(dom, hw), virq);
	KUNIT_EXPECT_EQ(test, irqd_to_hwirq(irq_get_irq_data(virq)), hw);
	local_irq_disable();
	KUNIT_EXPECT_EQ(test, generic_handle_domain_irq(dom, hw), 0);
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, atomic_read(count), before + 1);
}

/*
 * Restore, firmware hands a vector a free source: the requested Linux
 * interrupt keeps its number and handler and is served from the new
 * source; the spare interrupt used on the way and the old mapping are
 * gone (the exit check counts descriptors and mappings).
 */
static void rtas_msi_test_follow_spare(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	u32 old = SIM_SOURCE_BASE, new = SIM_SOURCE_BASE + 0x20;
	unsigned int virq, descs;
	struct irq_data *d;
	atomic_t count = ATOMIC_INIT(0);

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), 0);
	virq = t->vec[0].virq;
	KUNIT_ASSERT_EQ(test, request_irq(virq, follow_handler, 0, "kunit",
					  &count), 0);
	expect_delivered(test, t->dom, old, virq, &count);
	descs = count_irq_descs();

	KUNIT_EXPECT_EQ(test, rtas_msi_follow(t->rdom, virq, new, &t->owner), 0);
	expect_delivered(test, t->dom, new, virq, &count);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(t->dom, old), 0);
	/* Both levels of the hierarchy moved */
	KUNIT_EXPECT_EQ(test, irq_find_mapping(t->rdom, new), virq);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(t->rdom, old), 0);
	KUNIT_EXPECT_EQ(test, count_irq_descs(), descs);
	KUNIT_EXPECT_EQ(test, count_mappings(t->dom), 2);
	/* The descriptor kept its flags */
	d = irq_get_irq_data(virq);
	KUNIT_EXPECT_TRUE(test, irqd_needs_resend_when_in_progress(d));

	free_irq(virq, &count);
	put(test, t, 2);
}

/* Restore, firmware hands two vectors each other's sources */
static void rtas_msi_test_follow_exchange(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	struct irq_fwspec fwspec = { .fwnode = t->fwnode, .param_count = 2 };
	struct msi_desc *d0, *d1;
	unsigned int v0, v1, type;
	struct irq_data *d;
	u32 s0, s1;
	int lsi;
	atomic_t c0 = ATOMIC_INIT(0), c1 = ATOMIC_INIT(0);

	d0 = kunit_kzalloc(test, sizeof(*d0), GFP_KERNEL);
	d1 = kunit_kzalloc(test, sizeof(*d1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d0);
	KUNIT_ASSERT_NOT_NULL(test, d1);
	d0->dev = &t->owner;
	d1->dev = &t->owner;

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), 0);
	v0 = t->vec[0].virq;
	v1 = t->vec[1].virq;
	s0 = t->vec[0].source;
	s1 = t->vec[1].source;
	irq_set_msi_desc(v0, d0);
	irq_set_msi_desc(v1, d1);
	KUNIT_ASSERT_EQ(test, request_irq(v0, follow_handler, 0, "kunit", &c0), 0);
	KUNIT_ASSERT_EQ(test, request_irq(v1, follow_handler, 0, "kunit", &c1), 0);

	/* Sources of different trigger types are not exchanged */
	d = irq_get_irq_data(v1);
	type = irqd_get_trigger_type(d);
	irqd_set_trigger_type(d, type == IRQ_TYPE_LEVEL_HIGH ?
			      IRQ_TYPE_EDGE_RISING : IRQ_TYPE_LEVEL_HIGH);
	KUNIT_EXPECT_EQ(test, irq_domain_swap_hwirqs(t->rdom, v0, v1), -EINVAL);
	irqd_set_trigger_type(d, type);

	/* Another device's interrupt never gives way */
	d1->dev = &t->other;
	KUNIT_EXPECT_EQ(test, rtas_msi_follow(t->rdom, v0, s1, &t->owner), -EBUSY);
	expect_delivered(test, t->dom, s0, v0, &c0);
	expect_delivered(test, t->dom, s1, v1, &c1);

	d1->dev = &t->owner;
	KUNIT_EXPECT_EQ(test, rtas_msi_follow(t->rdom, v0, s1, &t->owner), 0);
	expect_delivered(test, t->dom, s1, v0, &c0);
	expect_delivered(test, t->dom, s0, v1, &c1);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(t->rdom, s1), v0);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(t->rdom, s0), v1);

	/* Nor does an interrupt mapped straight at the controller */
	fwspec.param[0] = s0 + 0x40;
	lsi = __irq_domain_alloc_irqs(t->dom, -1, 1, NUMA_NO_NODE, &fwspec,
				      false, NULL);
	KUNIT_ASSERT_GT(test, lsi, 0);
	irq_set_msi_desc(lsi, d1);
	KUNIT_EXPECT_EQ(test, rtas_msi_follow(t->rdom, v0, s0 + 0x40, &t->owner),
			-EBUSY);
	irq_set_msi_desc(lsi, NULL);
	irq_dispose_mapping(lsi);

	/* Not an exchange: one interrupt with itself */
	KUNIT_EXPECT_EQ(test, irq_domain_swap_hwirqs(t->rdom, v0, v0), -EINVAL);

	free_irq(v0, &c0);
	free_irq(v1, &c1);
	irq_set_msi_desc(v0, NULL);
	irq_set_msi_desc(v1, NULL);
	put(test, t, 2);
}

struct oneshot_thread {
	struct completion	done;
	unsigned int		runs;
};

static irqreturn_t oneshot_thread_fn(int irq, void *data)
{
	struct oneshot_thread *th = data;

	th->runs++;
	complete(&th->done);
	return IRQ_HANDLED;
}

/* Raise source @hw and wait until the threaded handler has run */
static void raise_threaded(struct kunit *test, struct rtas_msi_test *t, u32 hw,
			   struct oneshot_thread *th)
{
	reinit_completion(&th->done);
	local_irq_disable();
	KUNIT_EXPECT_EQ(test, generic_handle_domain_irq(t->dom, hw), 0);
	local_irq_enable();
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&th->done, 5 * HZ), 0);
}

/*
 * Like upstream's PCI/MSI interrupts, RTAS MSIs are one-shot safe: an
 * MSI is an edge, so a threaded handler needs no masking of the source
 * while it runs. Drivers (vmw_vmci, idxd) request threaded handlers
 * without a primary handler and without IRQF_ONESHOT, which genirq
 * refuses on chips that are not one-shot safe; and IRQF_ONESHOT must not
 * cost a mask and unmask at the interrupt controller per interrupt.
 */
static void rtas_msi_test_oneshot_safe(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	struct oneshot_thread th = { .runs = 0 };
	struct irq_chip *chip;
	unsigned int virq, masks;
	struct sim_src *src;
	int ret;

	init_completion(&th.done);
	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 2, 2), 0);
	virq = t->vec[1].virq;
	src = &t->src[t->vec[1].source];
	chip = irq_get_chip(virq);
	KUNIT_ASSERT_NOT_NULL(test, chip);
	KUNIT_EXPECT_TRUE(test, chip->flags & IRQCHIP_ONESHOT_SAFE);

	ret = request_threaded_irq(virq, NULL, oneshot_thread_fn, 0, "kunit",
				   &th);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		masks = src->mask;
		raise_threaded(test, t, t->vec[1].source, &th);
		KUNIT_EXPECT_EQ(test, th.runs, 1);
		KUNIT_EXPECT_EQ(test, src->mask, masks);
		free_irq(virq, &th);
	}

	ret = request_threaded_irq(virq, NULL, oneshot_thread_fn, IRQF_ONESHOT,
				   "kunit", &th);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		masks = src->mask;
		raise_threaded(test, t, t->vec[1].source, &th);
		/* No mask and unmask at the controller around the thread */
		KUNIT_EXPECT_EQ(test, src->mask, masks);
		free_irq(virq, &th);
	}
	put(test, t, 2);
}

/* A handler entered at @virq, then raising the same source once more */
struct reentry {
	struct irq_domain	*dom;
	u32			hw;
	unsigned int		calls;
	int			inner;
};

static irqreturn_t reentry_handler(int irq, void *data)
{
	struct reentry *r = data;

	if (!r->calls++)
		r->inner = generic_handle_domain_irq(r->dom, r->hw);
	return IRQ_HANDLED;
}

/*
 * An MSI that arrives while its handler runs (on the new CPU of an
 * affinity change, on real hardware) is replayed, not dropped by the
 * fasteoi flow: the flag that asks for it sits on the RTAS-MSI level.
 * Under XIVE the replay reaches the interrupt controller through its
 * chip; under XICS the backend leaves it to genirq's software resend,
 * which runs the handler again from a tasklet (rtas_msi_irq_retrigger()).
 */
static void rtas_msi_test_resend_in_progress(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;
	struct reentry r = { .dom = t->dom };
	struct sim_src *src;
	unsigned int virq;
	int i;

	KUNIT_ASSERT_EQ(test, get(t, RTAS_MSI_FN_MSIX, 1, 1), 0);
	virq = t->vec[0].virq;
	r.hw = t->vec[0].source;
	src = &t->src[r.hw];
	KUNIT_EXPECT_TRUE(test,
			  irqd_needs_resend_when_in_progress(irq_get_irq_data(virq)));
	KUNIT_ASSERT_EQ(test, request_irq(virq, reentry_handler, 0, "kunit", &r),
			0);

	local_irq_disable();
	KUNIT_EXPECT_EQ(test, generic_handle_domain_irq(t->dom, r.hw), 0);
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, r.inner, 0);
	/* The second one found the handler in progress and was replayed */
	if (xive_enabled()) {
		KUNIT_EXPECT_EQ(test, r.calls, 1);
		KUNIT_EXPECT_EQ(test, src->retrigger, 1);
	} else {
		for (i = 0; i < 50 && READ_ONCE(r.calls) < 2; i++)
			msleep(20);
		KUNIT_EXPECT_EQ(test, READ_ONCE(r.calls), 2);
		KUNIT_EXPECT_EQ(test, src->retrigger, 0);
	}

	free_irq(virq, &r);
	put(test, t, 1);
}

/* A handler that takes its time, raised from a work item on another CPU */
struct slow_irq {
	struct work_struct	work;
	struct irq_domain	*dom;
	u32			hw;
	int			raised;
	struct completion	entered;
	atomic_t		left;
};

static irqreturn_t slow_handler(int irq, void *data)
{
	struct slow_irq *s = data;

	complete(&s->entered);
	mdelay(200);
	atomic_set(&s->left, 1);
	return IRQ_HANDLED;
}

/*
 * Raised in hard interrupt context, as the interrupt entry code raises
 * it: under XICS the backend ends only interrupts taken there at the
 * controller (rtas_msi_irq_eoi()).
 */
static void slow_raise(struct work_struct *work)
{
	struct slow_irq *s = container_of(work, struct slow_irq, work);

	local_irq_disable();
	__irq_enter_raw();
	s->raised = generic_handle_domain_irq(s->dom, s->hw);
	__irq_exit_raw();
	local_irq_enable();
}

struct in_flight {
	struct delayed_work	work;
	struct sim_src		*src;
};

static void in_flight_done(struct work_struct *work)
{
	struct in_flight *f = container_of(to_delayed_work(work),
					   struct in_flight, work);

	WRITE_ONCE(f->src->in_flight, false);
}

static void rtas_msi_test_quota(struct kunit *test)
{
	struct rtas_msi_pe pe = { .total = 32, .ndev = 4 };

	/* Within the fair share */
	KUNIT_EXPECT_EQ(test, rtas_msi_quota(&pe, 8), 8);
	KUNIT_EXPECT_EQ(test, rtas_msi_quota(&pe, 3), 3);
	/* Over it, nobody leaves anything */
	KUNIT_EXPECT_EQ(test, rtas_msi_quota(&pe, 16), 8);
	/* The others leave 12, two of them want more too: a third each */
	pe.spare = 12;
	pe.over = 2;
	KUNIT_EXPECT_EQ(test, rtas_msi_quota(&pe, 16), 12);
	/* The remainder of the division is spare as well */
	pe.total = 35;
	pe.spare = 0;
	pe.over = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_quota(&pe, 64), 11);
	/* A budget of nothing grants nothing */
	pe.total = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_quota(&pe, 1), 0);
	/* No functions counted: no budget to apply */
	pe.ndev = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_quota(&pe, 5), 5);
}

static struct kunit_case rtas_msi_test_cases[] = {
	KUNIT_CASE(rtas_msi_test_msix_all_granted),
	KUNIT_CASE(rtas_msi_test_msi_block),
	KUNIT_CASE(rtas_msi_test_partial_grant_no_alloc),
	KUNIT_CASE(rtas_msi_test_partial_grant_held),
	KUNIT_CASE(rtas_msi_test_quota_exhausted),
	KUNIT_CASE(rtas_msi_test_busy_retries),
	KUNIT_CASE(rtas_msi_test_busy_forever),
	KUNIT_CASE(rtas_msi_test_busy_many),
	KUNIT_CASE(rtas_msi_test_busy_past_deadline),
	KUNIT_CASE(rtas_msi_test_held_count),
	KUNIT_CASE_PARAM(rtas_msi_test_error_codes, rtas_msi_err_gen_params),
	KUNIT_CASE(rtas_msi_test_legacy_fallback),
	KUNIT_CASE(rtas_msi_test_round_up_refused),
	KUNIT_CASE(rtas_msi_test_round_up_granted),
	KUNIT_CASE(rtas_msi_test_garbage_out_of_range),
	KUNIT_CASE(rtas_msi_test_garbage_in_block),
	KUNIT_CASE(rtas_msi_test_garbage_duplicate),
	KUNIT_CASE(rtas_msi_test_garbage_in_use),
	KUNIT_CASE(rtas_msi_test_release_refused),
	KUNIT_CASE(rtas_msi_test_undo_release_refused),
	KUNIT_CASE(rtas_msi_test_follow_spare),
	KUNIT_CASE(rtas_msi_test_follow_exchange),
	KUNIT_CASE(rtas_msi_test_oneshot_safe),
	KUNIT_CASE(rtas_msi_test_resend_in_progress),
	KUNIT_CASE(rtas_msi_test_quota),
	{}
};

static struct kunit_suite rtas_msi_test_suite = {
	.name		= "powerpc-rtas-msi",
	.init		= rtas_msi_test_init,
	.exit		= rtas_msi_test_exit,
	.test_cases	= rtas_msi_test_cases,
};

kunit_test_suite(rtas_msi_test_suite);

/*
 * The ops callbacks on a simulated PCI function (the one of the PCI MSI
 * core's KUnit tests, include/linux/msi_ops_kunit.h) that firmware
 * describes in the device tree: a node of its own with its request
 * properties, in a PE node of the test's, with the PE's other functions
 * as siblings or below a PCI-PCI bridge. The nodes are added with an OF
 * changeset and reverted when the test ends; the function's pci_dn names
 * the simulated host bridge, with a BUID of the test's.
 */
#define SIM_DEV_BUID	0x7e5700000000ULL
#define SIM_DT_OTHERS	4

struct rtas_dt {
	int		pe_total;	/* ibm,pe-total-#msi of the PE, -1: none */
	int		req_msi;	/* the function's ibm,req#msi, -1: none */
	int		req_msix;	/* and ibm,req#msi-x */
	unsigned int	nothers;
	u32		others[SIM_DT_OTHERS];	/* the others' ibm,req#msi-x */
	bool		bridge;		/* the others sit below a bridge */
};

static void rtas_dt_revert(void *data)
{
	struct of_changeset *cs = data;

	WARN_ON(of_changeset_revert(cs));
	of_changeset_destroy(cs);
}

static struct device_node *rtas_dt_node(struct of_changeset *cs,
					struct device_node *parent,
					const char *name, u32 class, int *err)
{
	struct device_node *np;

	if (*err)
		return NULL;
	np = of_changeset_create_node(cs, parent, name);
	if (!np) {
		*err = -ENOMEM;
		return NULL;
	}
	/*
	 * The changeset holds a reference of its own until
	 * of_changeset_destroy(), after the revert: drop the creator's, or
	 * the node and its properties outlive the test (kmemleak).
	 */
	of_node_put(np);
	if (class)
		*err = of_changeset_add_prop_u32(cs, np, "class-code", class);
	return np;
}

static void rtas_dt_u32(struct of_changeset *cs, struct device_node *np,
			const char *prop, int val, int *err)
{
	if (!*err && val >= 0)
		*err = of_changeset_add_prop_u32(cs, np, prop, val);
}

/* The device tree of @dt, until the test ends; returns the function's node */
static struct device_node *rtas_dt_build(struct kunit *test,
					 const struct rtas_dt *dt)
{
	struct device_node *pe, *self, *below, *np;
	struct of_changeset *cs;
	char name[16];
	unsigned int i;
	int err = 0;

	cs = kunit_kzalloc(test, sizeof(*cs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cs);
	of_changeset_init(cs);

	pe = rtas_dt_node(cs, of_root, "kunit-rtas-msi-pe", 0, &err);
	rtas_dt_u32(cs, pe, "ibm,pe-total-#msi", dt->pe_total, &err);
	self = rtas_dt_node(cs, pe, "pci@0", 0xff0000, &err);
	rtas_dt_u32(cs, self, "ibm,req#msi", dt->req_msi, &err);
	rtas_dt_u32(cs, self, "ibm,req#msi-x", dt->req_msix, &err);
	below = pe;
	if (dt->bridge)
		below = rtas_dt_node(cs, pe, "pci@1f", PCI_CLASS_BRIDGE_PCI << 8,
				     &err);
	for (i = 0; i < dt->nothers; i++) {
		snprintf(name, sizeof(name), "pci@%u", i + 1);
		np = rtas_dt_node(cs, below, name, PCI_CLASS_NETWORK_ETHERNET << 8,
				  &err);
		rtas_dt_u32(cs, np, "ibm,req#msi-x", dt->others[i], &err);
	}
	if (!err)
		err = of_changeset_apply(cs);
	if (err) {
		of_changeset_destroy(cs);
		KUNIT_FAIL_AND_ABORT(test, "device tree of the PE: %d", err);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rtas_dt_revert, cs),
			0);
	return self;
}

static void rtas_dev_detach(void *data)
{
	struct pci_dev *pdev = data;
	struct device_node *dn = pdev->dev.of_node;

	pdev->dev.archdata.pci_data = NULL;
	pdev->dev.of_node = NULL;
	of_node_put(dn);
}

static void rtas_dev_free_vectors(void *data)
{
	pci_free_irq_vectors(data);
}

/*
 * Make @pdev a pSeries PCI function that firmware describes with @dt,
 * served by the simulated firmware and interrupt controller, until the
 * test ends. Whatever the test left allocated is freed first.
 */
static struct rtas_msi_test *rtas_dev_start(struct kunit *test,
					    struct pci_dev *pdev,
					    const struct rtas_dt *dt)
{
	struct pci_controller *hose = pci_bus_to_host(pdev->bus);
	struct rtas_msi_test *t = rtas_msi_sim_start(test);
	struct device_node *dn;
	struct pci_dn *pdn;

	KUNIT_ASSERT_NOT_NULL(test, hose);
	KUNIT_ASSERT_NULL(test, pdev->dev.of_node);
	KUNIT_ASSERT_NULL(test, pdev->dev.archdata.pci_data);
	hose->buid = SIM_DEV_BUID;
	pdn = kunit_kzalloc(test, sizeof(*pdn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pdn);
	pdn->phb = hose;
	pdn->busno = pdev->bus->number;
	pdn->devfn = pdev->devfn;
	INIT_LIST_HEAD(&pdn->child_list);
	INIT_LIST_HEAD(&pdn->list);

	dn = rtas_dt_build(test, dt);
	pdev->dev.of_node = of_node_get(dn);
	pdev->dev.archdata.pci_data = pdn;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rtas_dev_detach,
							pdev), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rtas_dev_free_vectors,
							pdev), 0);
	t->pdev = pdev;
	KUNIT_ASSERT_EQ(test, rtas_msi_dev_addr(pdev, &t->addr), 0);
	KUNIT_ASSERT_TRUE(test, rtas_msi_match(pdev));
	return t;
}

static struct rtas_msi_test *rtas_dev(struct kunit *test,
				      const struct rtas_dt *dt)
{
	return rtas_dev_start(test, pci_msi_kunit_device(test, &rtas_msi_ops),
			      dt);
}

/* The function's MSI-X entries whose mask bit is clear */
static unsigned int rtas_dev_msix_open(struct pci_dev *pdev)
{
	unsigned int i, n = 0;

	if (!pdev->msix_base)
		return 0;
	for (i = 0; i < pci_msix_vec_count(pdev); i++)
		n += !(readl(pdev->msix_base + i * PCI_MSIX_ENTRY_SIZE +
			     PCI_MSIX_ENTRY_VECTOR_CTRL) &
		       PCI_MSIX_ENTRY_CTRL_MASKBIT);
	return n;
}

static bool rtas_dev_msix_on(struct pci_dev *pdev)
{
	u16 ctrl;

	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	return ctrl & PCI_MSIX_FLAGS_ENABLE;
}

static void rtas_dev_exit(struct kunit *test)
{
	struct rtas_msi_test *t = test->priv;

	if (!t || !t->pdev)
		return;
	pci_free_irq_vectors(t->pdev);
	KUNIT_EXPECT_NULL(test, t->pdev->msi_ops);
	rtas_msi_test_exit(test);
}

struct rtas_quota_case {
	const char	*name;
	struct rtas_dt	dt;
	int		type;
	int		want;
	int		expect;
};

static const struct rtas_quota_case rtas_quota_cases[] = {
	/* 16 for 4: a share of 4, 5 spare, one other over: 4 + 5 / 2 */
	{ "fair share plus spare", { 16, -1, 8, 3, { 1, 2, 8 } },
	  PCI_CAP_ID_MSIX, 8, 6 },
	/* The same PE with the others below a bridge, not counted itself */
	{ "others below a bridge", { 16, -1, 8, 3, { 1, 2, 8 }, true },
	  PCI_CAP_ID_MSIX, 8, 6 },
	/* No ibm,pe-total-#msi: 8 for the parent's 4 functions */
	{ "default PE total", { -1, -1, 8, 3, { 1, 1, 1 } },
	  PCI_CAP_ID_MSIX, 8, 5 },
	/* The request property is the limit; 4 is above it, not asked */
	{ "request property", { 64, -1, 3 }, PCI_CAP_ID_MSIX, 8, 3 },
	/* MSI: ibm,req#msi, and the others' wants by either property */
	{ "MSI share", { 16, 8, -1, 3, { 1, 2, 8 } }, PCI_CAP_ID_MSI, 8, 6 },
	/* A PE whose budget the others took */
	{ "PE of 4 for 5", { 4, -1, 8, 4, { 1, 1, 1, 1 } },
	  PCI_CAP_ID_MSIX, 8, 0 },
};

static void rtas_quota_case_desc(const struct rtas_quota_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtas_quota, rtas_quota_cases, rtas_quota_case_desc);

/*
 * ->check() works the limit out of the device tree, ->alloc() asks
 * firmware for exactly that, once; the driver gets it and ->free()
 * gives it all back.
 */
static void rtas_dev_test_quota(struct kunit *test)
{
	const struct rtas_quota_case *c = test->param_value;
	struct rtas_msi_test *t = rtas_dev(test, &c->dt);
	unsigned int flag = c->type == PCI_CAP_ID_MSIX ? PCI_IRQ_MSIX :
							 PCI_IRQ_MSI;
	int n;

	n = pci_alloc_irq_vectors(t->pdev, 1, c->want, flag);
	if (!c->expect) {
		KUNIT_EXPECT_EQ(test, n, -ENOSPC);
		KUNIT_EXPECT_EQ(test, t->sim.changes, 0);
		return;
	}
	KUNIT_ASSERT_EQ(test, n, c->expect);
	KUNIT_EXPECT_EQ(test, t->sim.held, c->expect);
	KUNIT_EXPECT_EQ(test, t->sim.changes, 1);
	KUNIT_EXPECT_EQ(test, t->sim.funcs[0], c->type == PCI_CAP_ID_MSIX ?
			RTAS_MSI_FN_MSIX : RTAS_MSI_FN_MSI);
	KUNIT_EXPECT_EQ(test, count_mappings(t->rdom), c->expect);
	KUNIT_EXPECT_EQ(test, held_count(&t->addr), c->expect);
	pci_free_irq_vectors(t->pdev);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_EQ(test, t->sim.releases, 1);
}

/*
 * MSI-X in powers of two: 5 vectors are asked as 8 where the table, the
 * request property and the quota allow 8; firmware that refuses 8 is
 * asked for 5.
 */
static void rtas_dev_test_pow2(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 5, PCI_IRQ_MSIX),
			5);
	KUNIT_EXPECT_EQ(test, t->sim.held, 8);
	KUNIT_EXPECT_EQ(test, t->sim.changes, 1);
	KUNIT_EXPECT_EQ(test, count_mappings(t->rdom), 5);
	KUNIT_EXPECT_EQ(test, rtas_dev_msix_open(t->pdev), 5);
	pci_free_irq_vectors(t->pdev);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);

	t->sim.refuse_above = 5;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 5, PCI_IRQ_MSIX),
			5);
	KUNIT_EXPECT_EQ(test, t->sim.held, 5);
	pci_free_irq_vectors(t->pdev);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);

	/* Never for MSI */
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 3, PCI_IRQ_MSI), 3);
	KUNIT_EXPECT_EQ(test, t->sim.held, 3);
}

/*
 * Below the driver's minimum: the quota says so before anything is
 * asked of firmware, and the core fails the request with -ENOSPC.
 */
static void rtas_dev_test_below_min(struct kunit *test)
{
	static const struct rtas_dt dt = { 3, -1, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 4, 8, PCI_IRQ_MSIX),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, t->sim.changes, 0);
	KUNIT_EXPECT_NULL(test, t->pdev->msi_ops);
	KUNIT_EXPECT_FALSE(test, rtas_dev_msix_on(t->pdev));
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 8, PCI_IRQ_MSIX),
			3);
	KUNIT_EXPECT_EQ(test, t->sim.held, 3);
}

/* No request property for a type: firmware offers none, nothing asked */
static void rtas_dev_test_no_request(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 4, -1 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 4, PCI_IRQ_MSIX),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, t->sim.changes, 0);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 4,
						    PCI_IRQ_MSIX | PCI_IRQ_MSI), 4);
	KUNIT_EXPECT_TRUE(test, t->pdev->msi_enabled);
	KUNIT_EXPECT_EQ(test, t->sim.held, 4);
}

/*
 * Firmware grants fewer than the quota allows: ->alloc() gives them
 * back and reports the count, the core retries with it if the driver
 * takes it; a driver that needs more gets -ENOSPC with nothing held.
 */
static void rtas_dev_test_partial(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);

	t->sim.pool = 2;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 4, PCI_IRQ_MSIX),
			2);
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);
	KUNIT_EXPECT_EQ(test, t->sim.releases, 1);
	KUNIT_EXPECT_EQ(test, t->sim.changes, 3);
	pci_free_irq_vectors(t->pdev);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 3, 4, PCI_IRQ_MSI),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_EQ(test, t->sim.pool, 2);

	/* QEMU's way: the limit is answered, nothing held */
	t->sim.pool = 64;
	t->sim.cap = 3;
	t->sim.cap_no_alloc = true;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 8, PCI_IRQ_MSIX),
			3);
	KUNIT_EXPECT_EQ(test, t->sim.held, 3);
}

/*
 * Firmware failing a request or a query: the driver gets the error,
 * firmware holds nothing, Linux has no interrupt and no descriptor of
 * the function, and MSI-X is off at the device.
 */
static void rtas_dev_test_fw_error(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	const struct rtas_msi_errcase *c = test->param_value;
	struct rtas_msi_test *t = rtas_dev(test, &dt);
	unsigned int descs = count_irq_descs();

	t->sim.change_status = c->status;
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 4, PCI_IRQ_MSIX),
			c->err);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_NULL(test, t->pdev->msi_ops);
	KUNIT_EXPECT_FALSE(test, rtas_dev_msix_on(t->pdev));
	KUNIT_EXPECT_EQ(test, count_irq_descs(), descs);

	t->sim.change_status = 0;
	t->sim.query_status = c->status;
	t->sim.query_index = 2;
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 4, PCI_IRQ_MSIX),
			c->err);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_EQ(test, count_mappings(t->dom), 0);
	KUNIT_EXPECT_EQ(test, count_irq_descs(), descs);
	KUNIT_EXPECT_FALSE(test, rtas_dev_msix_on(t->pdev));

	/* A release firmware refuses: Linux lets go all the same */
	t->sim.query_status = 0;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 2, 2, PCI_IRQ_MSI), 2);
	t->sim.release_status = c->status;
	pci_free_irq_vectors(t->pdev);
	KUNIT_EXPECT_EQ(test, count_mappings(t->dom), 0);
	KUNIT_EXPECT_EQ(test, count_irq_descs(), descs);
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);
	t->sim.release_status = 0;
	KUNIT_EXPECT_EQ(test, rtas_msi_release(&t->addr, false), 0);
}

/*
 * ->restore() through pci_restore_msi_state(): nothing asked of firmware
 * while it holds the vectors and the device their messages; after a
 * reset in which firmware forgot them, asked again, the interrupts
 * follow the new sources and the MSI-X entries are open again; when
 * firmware has none left, MSI-X stays off and firmware holds nothing.
 */
static void rtas_dev_test_restore(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);
	struct pci_dev *pdev = t->pdev;
	atomic_t count[2] = { ATOMIC_INIT(0), ATOMIC_INIT(0) };
	unsigned int i, changes, virq[2];

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	for (i = 0; i < 2; i++) {
		virq[i] = pci_irq_vector(pdev, i);
		KUNIT_ASSERT_EQ(test, request_irq(virq[i], follow_handler, 0,
						  "kunit", &count[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, rtas_dev_msix_open(pdev), 2);

	changes = t->sim.changes;
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, t->sim.changes, changes);
	KUNIT_EXPECT_TRUE(test, rtas_dev_msix_on(pdev));

	pci_msi_kunit_device_reset(pdev);
	t->sim.pool += t->sim.held;
	t->sim.held = 0;
	t->sim.move_sources = true;
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, t->sim.changes, changes + 1);
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);
	KUNIT_EXPECT_TRUE(test, rtas_dev_msix_on(pdev));
	KUNIT_EXPECT_EQ(test, rtas_dev_msix_open(pdev), 2);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, i), virq[i]);
		expect_delivered(test, t->dom, t->sim.base + i, virq[i],
				 &count[i]);
	}

	pci_msi_kunit_device_reset(pdev);
	t->sim.pool += t->sim.held;
	t->sim.held = 0;
	t->sim.pool = 1;
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_FALSE(test, rtas_dev_msix_on(pdev));
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
	KUNIT_EXPECT_EQ(test, rtas_dev_msix_open(pdev), 0);

	for (i = 0; i < 2; i++)
		free_irq(virq[i], &count[i]);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);
}

/*
 * pci_restore_state() without a reset (resume, error recovery, drivers
 * that save and restore around nothing), while another function of the
 * PE waits for vectors: firmware still holds them with their sources and
 * the device has their messages, so nothing is asked of firmware and
 * nothing can be lost to the other function.
 */
static void rtas_dev_test_restore_kept(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);
	atomic_t count[2] = { ATOMIC_INIT(0), ATOMIC_INIT(0) };
	unsigned int i, changes, virq[2];

	t->sim.pool = 2;
	t->sim.competitor = true;
	t->sim.move_sources = true;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 2, 2, PCI_IRQ_MSIX),
			2);
	for (i = 0; i < 2; i++) {
		virq[i] = pci_irq_vector(t->pdev, i);
		KUNIT_ASSERT_EQ(test, request_irq(virq[i], follow_handler, 0,
						  "kunit", &count[i]), 0);
	}
	changes = t->sim.changes;

	pci_restore_msi_state(t->pdev);
	KUNIT_EXPECT_EQ(test, t->sim.changes, changes);
	KUNIT_EXPECT_EQ(test, t->sim.releases, 0);
	KUNIT_EXPECT_EQ(test, t->sim.stolen, 0);
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, pci_irq_vector(t->pdev, i), virq[i]);
		expect_delivered(test, t->dom, t->sim.base + i, virq[i],
				 &count[i]);
		free_irq(virq[i], &count[i]);
	}
}

/*
 * A reset cleared the device's messages (MSI here: the simulated
 * firmware does not program the device, so only MSI's empty message
 * shows a loss), firmware still holds the vectors: it is asked to program
 * them again without a release before, so the other function of the PE
 * that waits for vectors gets none, and the interrupts follow the
 * sources firmware hands out.
 */
static void rtas_dev_test_restore_reprogram(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);
	atomic_t count[2] = { ATOMIC_INIT(0), ATOMIC_INIT(0) };
	unsigned int i, changes, virq[2];

	t->sim.pool = 2;
	t->sim.competitor = true;
	t->sim.move_sources = true;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 2, 2, PCI_IRQ_MSI), 2);
	for (i = 0; i < 2; i++) {
		virq[i] = pci_irq_vector(t->pdev, i);
		KUNIT_ASSERT_EQ(test, request_irq(virq[i], follow_handler, 0,
						  "kunit", &count[i]), 0);
	}
	changes = t->sim.changes;

	pci_msi_kunit_device_reset(t->pdev);
	pci_restore_msi_state(t->pdev);
	KUNIT_EXPECT_EQ(test, t->sim.changes, changes + 1);
	KUNIT_EXPECT_EQ(test, t->sim.releases, 0);
	KUNIT_EXPECT_EQ(test, t->sim.stolen, 0);
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);
	KUNIT_EXPECT_TRUE(test, t->pdev->msi_enabled);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, pci_irq_vector(t->pdev, i), virq[i]);
		expect_delivered(test, t->dom, t->sim.base + i, virq[i],
				 &count[i]);
		free_irq(virq[i], &count[i]);
	}
}

/*
 * Firmware holds a different number than the function asked for: asked
 * again for what was granted. A restore that failed is tried again by
 * the next pci_restore_msi_state(), and MSI-X is back on when firmware
 * has the vectors again.
 */
static void rtas_dev_test_restore_again(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);
	atomic_t count[2] = { ATOMIC_INIT(0), ATOMIC_INIT(0) };
	unsigned int i, changes, virq[2];

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 2, 2, PCI_IRQ_MSIX),
			2);
	for (i = 0; i < 2; i++) {
		virq[i] = pci_irq_vector(t->pdev, i);
		KUNIT_ASSERT_EQ(test, request_irq(virq[i], follow_handler, 0,
						  "kunit", &count[i]), 0);
	}

	t->sim.held = 4;
	changes = t->sim.changes;
	pci_restore_msi_state(t->pdev);
	KUNIT_EXPECT_EQ(test, t->sim.changes, changes + 1);
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);

	pci_msi_kunit_device_reset(t->pdev);
	t->sim.pool += t->sim.held;
	t->sim.held = 0;
	t->sim.pool = 1;
	pci_restore_msi_state(t->pdev);
	KUNIT_EXPECT_FALSE(test, rtas_dev_msix_on(t->pdev));
	KUNIT_EXPECT_EQ(test, t->sim.held, 0);

	t->sim.pool = 64;
	t->sim.move_sources = true;
	pci_restore_msi_state(t->pdev);
	KUNIT_EXPECT_TRUE(test, rtas_dev_msix_on(t->pdev));
	KUNIT_EXPECT_EQ(test, t->sim.held, 2);
	KUNIT_EXPECT_EQ(test, rtas_dev_msix_open(t->pdev), 2);
	for (i = 0; i < 2; i++) {
		expect_delivered(test, t->dom, t->sim.base + i, virq[i],
				 &count[i]);
		free_irq(virq[i], &count[i]);
	}
}

/*
 * Restore, a handler of the vector still runs on another CPU when the
 * core stops the vector (pci_msi_quiesce_vectors()) for firmware to move
 * it to another source: the stop waits for the handler, whose flow
 * handler ends the interrupt (EOI) on the source that raised it. Moved
 * under the running handler, the EOI would reach the new source and
 * leave the old one presented (XICS) or pending (XIVE) when it goes back
 * to firmware.
 */
static void rtas_dev_test_follow_running_handler(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	u32 old, new = SIM_SOURCE_BASE + 0x30;
	struct rtas_msi_test *t;
	struct slow_irq s = { };
	unsigned int virq, eoi_old, eoi_new, cpu;
	int in_progress, left_at_down, ret;
	atomic_t count = ATOMIC_INIT(0);

	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "needs a second CPU");

	t = rtas_dev(test, &dt);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 1, PCI_IRQ_MSIX),
			1);
	virq = pci_irq_vector(t->pdev, 0);
	old = irqd_to_hwirq(irq_get_irq_data(virq));
	s.dom = t->dom;
	s.hw = old;
	KUNIT_ASSERT_EQ(test, request_irq(virq, slow_handler, 0, "kunit", &s), 0);
	init_completion(&s.entered);
	INIT_WORK_ONSTACK(&s.work, slow_raise);
	eoi_old = t->src[old].eoi;
	eoi_new = t->src[new].eoi;

	queue_work_on(cpu, system_highpri_wq, &s.work);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&s.entered, 5 * HZ), 0);
	/* The race window: the handler runs when the move begins */
	in_progress = irqd_irq_inprogress(irq_get_irq_data(virq));
	msi_lock_descs(&t->pdev->dev);
	pci_msi_quiesce_vectors(t->pdev);
	left_at_down = atomic_read(&s.left);
	ret = rtas_msi_follow(t->rdom, virq, new, &t->pdev->dev);
	pci_msi_reactivate_vectors(t->pdev);
	msi_unlock_descs(&t->pdev->dev);
	flush_work(&s.work);
	destroy_work_on_stack(&s.work);
	kunit_info(test, "handler in progress when the move began: %d\n",
		   in_progress);

	KUNIT_EXPECT_EQ(test, in_progress, 1);
	KUNIT_EXPECT_EQ(test, s.raised, 0);
	KUNIT_EXPECT_EQ(test, left_at_down, 1);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, t->src[old].eoi, eoi_old + 1);
	KUNIT_EXPECT_EQ(test, t->src[new].eoi, eoi_new);

	free_irq(virq, &s);
	/* The vector works on its new source */
	KUNIT_ASSERT_EQ(test, request_irq(virq, follow_handler, 0, "kunit",
					  &count), 0);
	expect_delivered(test, t->dom, new, virq, &count);
	free_irq(virq, &count);
}

/*
 * XIVE: an interrupt already in a CPU's queue when its vector is stopped
 * is still to be handled and ended there. pci_msi_quiesce_vectors()
 * waits until the interrupt controller has none in flight; the vector is
 * started up again, unmasked, by pci_msi_reactivate_vectors(), and one
 * that was disabled stays masked.
 */
static void rtas_dev_test_chip_down_in_flight(struct kunit *test)
{
	static const struct rtas_dt dt = { 64, 8, 8 };
	struct rtas_msi_test *t = rtas_dev(test, &dt);
	struct in_flight f;
	struct sim_src *src;
	unsigned int virq, mask, unmask;
	bool in_flight_at_down;
	atomic_t count = ATOMIC_INIT(0);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(t->pdev, 1, 1, PCI_IRQ_MSIX),
			1);
	virq = pci_irq_vector(t->pdev, 0);
	src = &t->src[irqd_to_hwirq(irq_get_irq_data(virq))];
	f.src = src;
	KUNIT_ASSERT_EQ(test, request_irq(virq, follow_handler, 0, "kunit",
					  &count), 0);
	INIT_DELAYED_WORK_ONSTACK(&f.work, in_flight_done);

	WRITE_ONCE(src->in_flight, true);
	schedule_delayed_work(&f.work, msecs_to_jiffies(50));
	msi_lock_descs(&t->pdev->dev);
	pci_msi_quiesce_vectors(t->pdev);
	in_flight_at_down = READ_ONCE(src->in_flight);
	unmask = src->unmask;
	pci_msi_reactivate_vectors(t->pdev);
	msi_unlock_descs(&t->pdev->dev);
	flush_delayed_work(&f.work);
	destroy_delayed_work_on_stack(&f.work);
	KUNIT_EXPECT_FALSE(test, in_flight_at_down);
	KUNIT_EXPECT_EQ(test, src->unmask, unmask + 1);

	/* Disabled (and masked) by its driver: started up, masked again */
	irq_set_status_flags(virq, IRQ_DISABLE_UNLAZY);
	disable_irq(virq);
	KUNIT_EXPECT_TRUE(test, irqd_irq_masked(irq_get_irq_data(virq)));
	mask = src->mask;
	unmask = src->unmask;
	msi_lock_descs(&t->pdev->dev);
	pci_msi_quiesce_vectors(t->pdev);
	pci_msi_reactivate_vectors(t->pdev);
	msi_unlock_descs(&t->pdev->dev);
	/* Shutdown masks, startup unmasks, and the mask comes last */
	KUNIT_EXPECT_EQ(test, src->unmask, unmask + 1);
	KUNIT_EXPECT_EQ(test, src->mask, mask + 2);
	enable_irq(virq);
	irq_clear_status_flags(virq, IRQ_DISABLE_UNLAZY);
	expect_delivered(test, t->dom, src->hw, virq, &count);
	free_irq(virq, &count);
}

static struct kunit_case rtas_dev_test_cases[] = {
	KUNIT_CASE_PARAM(rtas_dev_test_quota, rtas_quota_gen_params),
	KUNIT_CASE(rtas_dev_test_pow2),
	KUNIT_CASE(rtas_dev_test_below_min),
	KUNIT_CASE(rtas_dev_test_no_request),
	KUNIT_CASE(rtas_dev_test_partial),
	KUNIT_CASE_PARAM(rtas_dev_test_fw_error, rtas_msi_err_gen_params),
	KUNIT_CASE(rtas_dev_test_restore),
	KUNIT_CASE(rtas_dev_test_restore_kept),
	KUNIT_CASE(rtas_dev_test_restore_reprogram),
	KUNIT_CASE(rtas_dev_test_restore_again),
	KUNIT_CASE(rtas_dev_test_follow_running_handler),
	KUNIT_CASE(rtas_dev_test_chip_down_in_flight),
	{}
};

static struct kunit_suite rtas_dev_test_suite = {
	.name		= "powerpc-rtas-msi-ops",
	.exit		= rtas_dev_exit,
	.test_cases	= rtas_dev_test_cases,
};

kunit_test_suite(rtas_dev_test_suite);

/*
 * The backend under the PCI MSI conformance suite: the suite's device,
 * described to the backend as one function alone in a PE that offers
 * it all it can use, runs out when the simulated firmware does.
 */
static int rtas_msi_conf_setup(struct kunit *test, struct pci_dev *pdev)
{
	static const struct rtas_dt dt = { 64, 32, 8 };

	rtas_dev_start(test, pdev, &dt);
	return 0;
}

/* What firmware holds, as the simulated firmware knows it */
static long rtas_msi_conf_held(struct pci_dev *pdev)
{
	return sim_of()->held;
}

static int rtas_msi_conf_limit(struct kunit *test, struct pci_dev *pdev,
			       unsigned int n)
{
	struct rtas_sim *s = sim_of();

	s->pool = n > s->held ? n - s->held : 0;
	return 0;
}

static struct pci_msi_conformance rtas_msi_conformance = {
	.name	= "rtas",
	.ops	= &rtas_msi_ops,
	.setup	= rtas_msi_conf_setup,
	.held	= rtas_msi_conf_held,
	.limit	= rtas_msi_conf_limit,
};

PCI_MSI_CONFORMANCE(rtas_msi_conformance);
