// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the layers above the transport (DESIGN.md decision 16).  A client
 * registers the request types it serves and the callbacks through which
 * the transport tells it about connections and endpoints; the transport
 * calls up through nothing else.
 */
#include "rsm_tp.h"

/*
 * The clients of the transport by index, and which client serves each type
 * of request.  Written only at module init and exit (struct rsm_tp_client).
 */
static const struct rsm_tp_client *rsm_tp_clients[RSM_TP_NCLIENTS];
static u8 rsm_tp_owner[RSM_MSG_TYPE_MAX + 1];	/* client id + 1, 0: none */

/**
 * rsm_tp_register - add a layer above the transport
 * @cl: its callbacks; must stay valid until rsm_tp_unregister()
 *
 * Call before the first connection can exist.
 *
 * Return: 0, or -EINVAL for a taken index or request type, or a type
 * that is no request.
 */
int rsm_tp_register(const struct rsm_tp_client *cl)
{
	unsigned int i;

	if (cl->id >= RSM_TP_NCLIENTS || rsm_tp_clients[cl->id] ||
	    !cl->req_queue || !cl->req_serve)
		return -EINVAL;
	for (i = 0; i < cl->ntypes; i++) {
		u16 t = cl->types[i];

		if (t > RSM_MSG_TYPE_MAX || rsm_tp_owner[t] ||
		    rsm_wire_msg_kind(t) != RSM_WIRE_REQUEST)
			goto undo;
		rsm_tp_owner[t] = cl->id + 1;
	}
	rsm_tp_clients[cl->id] = cl;
	return 0;
undo:
	while (i--)
		rsm_tp_owner[cl->types[i]] = 0;
	return -EINVAL;
}

/**
 * rsm_tp_unregister - remove a layer above the transport
 * @cl: as registered; call once the last connection is gone
 */
void rsm_tp_unregister(const struct rsm_tp_client *cl)
{
	unsigned int i;

	if (WARN_ON_ONCE(rsm_tp_clients[cl->id] != cl))
		return;
	for (i = 0; i < cl->ntypes; i++)
		rsm_tp_owner[cl->types[i]] = 0;
	rsm_tp_clients[cl->id] = NULL;
}

/**
 * rsm_tp_client_of - the client that serves a request
 * @msg: a checked request
 *
 * Return: the client, or NULL when none serves its type.
 */
const struct rsm_tp_client *rsm_tp_client_of(const void *msg)
{
	u16 type = le16_to_cpu(((const struct rsm_msg_hdr *)msg)->type);

	if (type > RSM_MSG_TYPE_MAX || !rsm_tp_owner[type])
		return NULL;
	return rsm_tp_clients[rsm_tp_owner[type] - 1];
}

/**
 * rsm_tp_conn_up - tell every client that a connection became usable
 * @conn: connection, locked
 * @ep: its new usable endpoint
 */
void rsm_tp_conn_up(struct rsm_conn *conn, struct rsm_ep *ep)
{
	unsigned int i;

	lockdep_assert_held(&conn->lock);
	for (i = 0; i < RSM_TP_NCLIENTS; i++)
		if (rsm_tp_clients[i] && rsm_tp_clients[i]->conn_up)
			rsm_tp_clients[i]->conn_up(conn, ep);
}

/**
 * rsm_tp_conn_down - tell every client that an endpoint left its connection
 * @conn: connection, locked
 * @ep_id: the endpoint that was usable
 */
void rsm_tp_conn_down(struct rsm_conn *conn, u64 ep_id)
{
	unsigned int i;

	lockdep_assert_held(&conn->lock);
	for (i = 0; i < RSM_TP_NCLIENTS; i++)
		if (rsm_tp_clients[i] && rsm_tp_clients[i]->conn_down)
			rsm_tp_clients[i]->conn_down(conn, ep_id);
}

/**
 * rsm_tp_loop_gone - tell every client that a controller's loopback goes:
 * what they registered in it must go first
 * @lp: the loopback, taking no new users
 */
void rsm_tp_loop_gone(struct rsm_loop *lp)
{
	unsigned int i;

	for (i = 0; i < RSM_TP_NCLIENTS; i++)
		if (rsm_tp_clients[i] && rsm_tp_clients[i]->loop_gone)
			rsm_tp_clients[i]->loop_gone(lp);
}

/**
 * rsm_tp_ep_gone - tell every client that an endpoint is being destroyed
 * @ep: endpoint without QP, requests being served or users
 */
void rsm_tp_ep_gone(struct rsm_ep *ep)
{
	unsigned int i;

	for (i = 0; i < RSM_TP_NCLIENTS; i++)
		if (rsm_tp_clients[i] && rsm_tp_clients[i]->ep_gone)
			rsm_tp_clients[i]->ep_gone(ep);
}

/**
 * rsm_tp_fill_status - let every client add its counters to RSM_IOC_STATUS
 * @hdr: the status being filled
 */
void rsm_tp_fill_status(struct rsm_stat_hdr *hdr)
{
	unsigned int i;

	for (i = 0; i < RSM_TP_NCLIENTS; i++)
		if (rsm_tp_clients[i] && rsm_tp_clients[i]->fill_status)
			rsm_tp_clients[i]->fill_status(hdr);
}
