/**
 * The ensemble's members beyond one machine: the job scripts of a Slurm job array and the manifests of a Kubernetes
 * Indexed Job (one task per member, each continuing its member when restarted), with the follow-up job that exports
 * the fused ensemble and evaluates it. Writes files only; submitting is the user's (or the written submit script's).
 * Depends on {@code train} and {@code data} for the ensemble's size.
 */
package org.dlema.cluster;
