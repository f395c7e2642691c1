/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "vm.h"

struct kvm_run;

/*
 * The VM's vCPUs: one thread each, looping over KVM_RUN and dispatching port
 * I/O and MMIO exits to the VM's buses. The set pauses and resumes as a whole
 * (the D-Bus Pause method, reset, shutdown). A vCPU is kicked out of KVM_RUN
 * by a signal, with kvm_run.immediate_exit closing the race where the signal
 * lands just before the ioctl.
 */
struct vcpu {
  struct vcpus *set;
  unsigned index;
  int fd;
  struct kvm_run *run;
  /* The coalesced-MMIO ring in this vCPU's own mapping (NULL: none): its
   * loop checks it without the VM's lock, as the mapping outlives the loop. */
  struct kvm_coalesced_mmio_ring *coalesced;
  pthread_t thread;
  bool started;
};

struct vcpus {
  struct vm *vm;
  unsigned n;
  struct vcpu *vcpu;
  size_t run_size;

  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool pause;       /* asked to pause */
  bool stop;        /* asked to leave their loops */
  unsigned n_parked; /* threads waiting while paused (or gone) */
};

/* Creates @n vCPUs with CPUID (topology: one socket, @n cores), MSRs and the
 * local APIC in virtual-wire mode. */
int vcpus_create (struct vcpus *set, struct vm *vm, unsigned n) __attribute__ ((warn_unused_result));
void vcpus_destroy (struct vcpus *set);

int vcpus_start (struct vcpus *set) __attribute__ ((warn_unused_result));
/* Returns once every vCPU thread is out of KVM_RUN and parked. */
void vcpus_pause (struct vcpus *set);
void vcpus_resume (struct vcpus *set);
/* Stops and joins the threads. */
void vcpus_stop (struct vcpus *set);

/* Registers and segments of one vCPU as text, for crash reports (g_free). */
char *vcpu_dump_registers (struct vcpu *vcpu);
