// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the rails' error counts (imc_rderrcnt_mr(3), imc_ckerrcnt_mr(3)).
 * A host counts its failed sends and its lost members and tells every
 * peer (RSM_MSG_IMC_ERRCNT); every host keeps the largest count it heard,
 * so the counts agree once the cluster is quiet.  The error epoch moves
 * with every change: transmit mappings then send again all they ever sent
 * (rsm_imc_tx.c).
 */
#include "rsm_imc.h"

/* The rails' error counts, as the largest any host told us. */
static atomic_t rsm_imc_errcnts[RSM_IMC_RAILS_MAX];
/* Moves whenever a count does, or a member comes back. */
static atomic_t rsm_imc_epoch = ATOMIC_INIT(0);
static void rsm_imc_errcnt_work(struct work_struct *work);
static DECLARE_WORK(rsm_imc_errcnt_announce_work, rsm_imc_errcnt_work);

/**
 * rsm_imc_errcnt - a rail's error count
 * @rail: below RSM_IMC_RAILS_MAX
 *
 * Return: the count, never negative.
 */
s32 rsm_imc_errcnt(u32 rail)
{
	return atomic_read(&rsm_imc_errcnts[rail]);
}

/**
 * rsm_imc_errcnt_bump - a transmission error on a rail: count it here and
 * tell every peer
 * @rail: below RSM_IMC_RAILS_MAX
 */
void rsm_imc_errcnt_bump(u32 rail)
{
	atomic_add_unless(&rsm_imc_errcnts[rail], 1, RSM_IMC_ERRCNT_MAX);
	atomic_inc(&rsm_imc_epoch);
	rsm_imc_errcnt_announce();
}

/**
 * rsm_imc_epoch_next - make every transmit mapping send all it ever sent
 * at its next flush point (a member came back, or joined)
 */
void rsm_imc_epoch_next(void)
{
	atomic_inc(&rsm_imc_epoch);
}

/**
 * rsm_imc_err_epoch - a number that moves whenever an error count does
 *
 * Return: the current epoch.
 */
u32 rsm_imc_err_epoch(void)
{
	return atomic_read(&rsm_imc_epoch);
}

static void rsm_imc_send_errcnt(struct rsm_ep *ep, void *arg)
{
	struct rsm_msg_imc_errcnt m = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_ERRCNT),
		.hdr.len = cpu_to_le32(sizeof(m)),
	};
	u32 r;

	for (r = 0; r < RSM_IMC_RAILS_MAX; r++) {
		m.rail = cpu_to_le32(r);
		m.count = cpu_to_le32(rsm_imc_errcnt(r));
		if (rsm_msg_send_wait(ep, &m, sizeof(m)))
			return;	/* it hears them again when it reconnects */
	}
}

static void rsm_imc_errcnt_work(struct work_struct *work)
{
	if (rsm_cluster_each_active(rsm_imc_send_errcnt, NULL))
		rsm_warn_rl("imc: out of memory telling error counts\n");
}

/**
 * rsm_imc_errcnt_announce - tell every peer the error counts (soon)
 */
void rsm_imc_errcnt_announce(void)
{
	queue_work(rsm_wq, &rsm_imc_errcnt_announce_work);
}

/**
 * rsm_imc_errcnt_serve - a peer's error count of a rail: keep the larger
 * @ep: endpoint it came on
 * @msg: RSM_MSG_IMC_ERRCNT, checked
 */
void rsm_imc_errcnt_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_errcnt *m = msg;
	atomic_t *c = &rsm_imc_errcnts[le32_to_cpu(m->rail)];
	int want = le32_to_cpu(m->count), old = atomic_read(c);

	while (old < want) {
		if (atomic_try_cmpxchg(c, &old, want)) {
			atomic_inc(&rsm_imc_epoch);
			break;
		}
	}
}

/**
 * rsm_imc_errcnt_exit - module unload: no announcement runs any more
 */
void rsm_imc_errcnt_exit(void)
{
	cancel_work_sync(&rsm_imc_errcnt_announce_work);
}
