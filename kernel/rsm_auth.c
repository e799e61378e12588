// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the cluster key and the proofs that a peer holds it.
 *
 * A proof is HMAC-SHA256 (kernel crypto API) keyed with the cluster key
 * over a struct rsm_wire_auth that both sides build from their own view of
 * one connection: both nonces (fresh random bytes per attempt), both node
 * ids, both QP numbers, both RDMA CM ports and both boot ids, plus who
 * proves.  A proof therefore vouches for this one connection only; it
 * cannot be replayed on another, nor turned around by the other side.
 * Without a key every proof is zero and only the privileged source port of
 * the active side vouches for it (rsm_cm.c).
 */
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <crypto/hash.h>
#include <crypto/algapi.h>

#include "rsm_tp.h"

/*
 * rsm_auth_lock protects the key, rsm_auth_len and the tfm's key state:
 * proofs are computed under it (a few per connection attempt), so that a
 * key change never races with a digest.
 */
static DEFINE_MUTEX(rsm_auth_lock);
static struct crypto_shash *rsm_auth_tfm;
static u8 rsm_auth_key[RSM_KEY_MAX];
static u32 rsm_auth_len;		/* 0: no key */

/**
 * rsm_auth_keyed - does this node hold a cluster key?
 *
 * Return: true if a key is set.
 */
bool rsm_auth_keyed(void)
{
	return READ_ONCE(rsm_auth_len) != 0;
}

/**
 * rsm_auth_init - allocate the HMAC transform
 *
 * Return: 0 or a negative errno.
 */
int rsm_auth_init(void)
{
	struct crypto_shash *tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);

	if (IS_ERR(tfm)) {
		rsm_err_rl("no hmac(sha256) in the crypto API: %ld\n",
			   PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	if (crypto_shash_digestsize(tfm) != RSM_WIRE_MAC_LEN) {
		crypto_free_shash(tfm);
		return -EINVAL;
	}
	rsm_auth_tfm = tfm;
	return 0;
}

/**
 * rsm_auth_exit - forget the key and free the transform
 */
void rsm_auth_exit(void)
{
	mutex_lock(&rsm_auth_lock);
	memzero_explicit(rsm_auth_key, sizeof(rsm_auth_key));
	WRITE_ONCE(rsm_auth_len, 0);
	mutex_unlock(&rsm_auth_lock);
	crypto_free_shash(rsm_auth_tfm);
	rsm_auth_tfm = NULL;
}

/* Set (@len > 0) or clear the key.  Return: changed, or a negative errno. */
static int rsm_auth_set(const u8 *key, u32 len)
{
	int ret = 0;

	mutex_lock(&rsm_auth_lock);
	if (len == rsm_auth_len && !crypto_memneq(key, rsm_auth_key, len))
		goto out;		/* same key (or none again) */
	if (len) {
		ret = crypto_shash_setkey(rsm_auth_tfm, key, len);
		if (ret)
			goto out;
	}
	memzero_explicit(rsm_auth_key, sizeof(rsm_auth_key));
	memcpy(rsm_auth_key, key, len);
	WRITE_ONCE(rsm_auth_len, len);
	ret = 1;
out:
	mutex_unlock(&rsm_auth_lock);
	return ret;
}

/**
 * rsm_auth_ioctl_key - RSM_IOC_CLUSTER_KEY
 * @uarg: struct rsm_ioc_cluster_key in user memory
 *
 * A key that differs from the one before restarts every connection: they
 * were proven with the old one.
 *
 * Return: 0 or a negative errno; on error nothing changed.
 */
int rsm_auth_ioctl_key(void __user *uarg)
{
	struct rsm_ioc_cluster_key req;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = -EINVAL;
	if (req.flags || (req.len && (req.len < RSM_KEY_MIN ||
				      req.len > RSM_KEY_MAX)))
		goto out;
	ret = rsm_auth_set(req.key, req.len);
	if (ret > 0) {
		rsm_info("cluster key %s; restarting connections\n",
			 req.len ? "set" : "cleared");
		rsm_cluster_reset_conns("cluster key changed");
		ret = 0;
	}
out:
	memzero_explicit(&req, sizeof(req));
	return ret;
}

/**
 * rsm_auth_new_nonce - fresh nonce for a connection attempt
 * @ep: endpoint; its own nonce is set
 */
void rsm_auth_new_nonce(struct rsm_ep *ep)
{
	get_random_bytes(ep->nonce, sizeof(ep->nonce));
}

/* What a proof on @ep covers, from this side's view. */
static void rsm_auth_fill(const struct rsm_ep *ep, u32 role,
			  struct rsm_wire_auth *a)
{
	u32 local = READ_ONCE(rsm_cluster.local_nodeid);
	u32 my_qpn = ep->cm_id->qp ? ep->cm_id->qp->qp_num : 0;
	u16 my_port = rsm_sockaddr_port(&ep->cm_id->route.addr.src_addr);
	u16 peer_port = rsm_sockaddr_port(&ep->cm_id->route.addr.dst_addr);
	const u8 *an, *pn;

	memset(a, 0, sizeof(*a));
	memcpy(a->label, RSM_AUTH_LABEL, sizeof(a->label));
	a->role = cpu_to_le32(role);
	a->version = cpu_to_le32(RSM_PROTO_VERSION);
	if (ep->active_side) {
		a->active_node = cpu_to_le32(local);
		a->passive_node = cpu_to_le32(ep->conn->nodeid);
		a->active_qpn = cpu_to_le32(my_qpn);
		a->passive_qpn = cpu_to_le32(ep->peer_qpn);
		a->active_port = cpu_to_le16(my_port);
		a->passive_port = cpu_to_le16(peer_port);
		a->active_boot = cpu_to_le64(rsm_cluster.boot_id);
		a->passive_boot = cpu_to_le64(ep->peer_boot);
		an = ep->nonce;
		pn = ep->peer_nonce;
	} else {
		a->active_node = cpu_to_le32(ep->conn->nodeid);
		a->passive_node = cpu_to_le32(local);
		a->active_qpn = cpu_to_le32(ep->peer_qpn);
		a->passive_qpn = cpu_to_le32(my_qpn);
		a->active_port = cpu_to_le16(peer_port);
		a->passive_port = cpu_to_le16(my_port);
		a->active_boot = cpu_to_le64(ep->peer_boot);
		a->passive_boot = cpu_to_le64(rsm_cluster.boot_id);
		an = ep->peer_nonce;
		pn = ep->nonce;
	}
	memcpy(a->active_nonce, an, RSM_WIRE_NONCE_LEN);
	memcpy(a->passive_nonce, pn, RSM_WIRE_NONCE_LEN);
}

/* HMAC of @a under the current key; zero without a key. */
static int rsm_auth_digest(const struct rsm_wire_auth *a, u8 *mac)
{
	int ret = 0;

	memset(mac, 0, RSM_WIRE_MAC_LEN);
	mutex_lock(&rsm_auth_lock);
	if (rsm_auth_len) {
		SHASH_DESC_ON_STACK(desc, rsm_auth_tfm);

		desc->tfm = rsm_auth_tfm;
		ret = crypto_shash_digest(desc, (const u8 *)a, sizeof(*a), mac);
		shash_desc_zero(desc);
	}
	mutex_unlock(&rsm_auth_lock);
	return ret;
}

/**
 * rsm_auth_prove - this side's proof for the connection of @ep
 * @ep: endpoint with its QP, nonces and the peer's hello known
 * @mac: out, RSM_WIRE_MAC_LEN bytes (zero without a key)
 *
 * Return: 0 or a negative errno.
 */
int rsm_auth_prove(const struct rsm_ep *ep, u8 *mac)
{
	struct rsm_wire_auth a;

	rsm_auth_fill(ep, ep->active_side ? RSM_AUTH_ACTIVE : RSM_AUTH_PASSIVE,
		      &a);
	return rsm_auth_digest(&a, mac);
}

/**
 * rsm_auth_check - is @mac the peer's valid proof for the connection of @ep?
 * @ep: endpoint
 * @mac: the proof received
 *
 * Without a key only an all-zero proof is accepted (the caller has also
 * checked that neither side claims a key).
 *
 * Return: true if it checks out.
 */
bool rsm_auth_check(const struct rsm_ep *ep, const u8 *mac)
{
	struct rsm_wire_auth a;
	u8 want[RSM_WIRE_MAC_LEN];
	bool ok;

	rsm_auth_fill(ep, ep->active_side ? RSM_AUTH_PASSIVE : RSM_AUTH_ACTIVE,
		      &a);
	if (rsm_auth_digest(&a, want))
		return false;
	ok = !crypto_memneq(want, mac, RSM_WIRE_MAC_LEN);
	memzero_explicit(want, sizeof(want));
	return ok;
}
