#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run rsm selftests on this node (every node of the cluster runs this at
# the same time; see utils/rsm-vcluster).  Arguments: test programs to run
# (default: all).  Output is KTAP; the exit status is non-zero if any test
# program failed.
cd "$(dirname "$0")" || exit 1
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(rsm_controller_test rsm_topology_test rsm_ioctl_test rsm_export_test \
				 rsm_import_test rsm_import_sync_test rsm_remote_test \
				 rsm_revoke_test rsm_importers_test rsm_scale_test \
				 rsm_failure_test rsm_segmentid_test rsm_membership_test \
				 rsm_map_test rsm_mapremote_test rsm_barrier_test rsm_event_test \
				 rsm_stall_test imc_cluster_test imc_region_test imc_attach_test imc_data_test \
				 imc_fault_test imc_kill_test imc_lock_test imc_lockword_test)
rc=0
for t in "${tests[@]}"; do
	echo "# node ${RSM_NODE_ID:-?}: running $t"
	./"$t" || rc=1
done
exit $rc
