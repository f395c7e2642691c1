/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kvm-vcpu"

#include "config.h"

#include "vcpu.h"

#include <errno.h>
#include <glib.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpuid.h"
#include "log.h"

#define VCPU_KICK_SIGNAL SIGUSR1

#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_MISC_ENABLE_FAST_STRING 1

/* Local APIC register offsets and delivery modes for virtual-wire mode. */
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_MODE_NMI    0x4
#define APIC_MODE_EXTINT 0x7

static void
vcpu_kick_handler (int sig)
{
  /* Only there to make KVM_RUN return EINTR. */
}

static void
vcpu_set_lvt (struct kvm_lapic_state *lapic, unsigned reg, unsigned mode)
{
  uint32_t v;

  memcpy (&v, &lapic->regs[reg], sizeof v);
  v = (v & ~0x700u) | (mode << 8);
  memcpy (&lapic->regs[reg], &v, sizeof v);
}

static int
vcpu_setup (struct vcpu *vcpu, const struct kvm_cpuid2 *supported, unsigned n)
{
  struct vcpus *set = vcpu->set;
  g_autofree struct kvm_cpuid2 *cpuid = NULL;
  size_t cpuid_size = sizeof *cpuid + supported->nent * sizeof (struct kvm_cpuid_entry2);
  struct {
    struct kvm_msrs header;
    struct kvm_msr_entry entries[1];
  } msrs = { 0 };
  struct kvm_lapic_state lapic;
  struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };

  vcpu->fd = ioctl (set->vm->fd, KVM_CREATE_VCPU, vcpu->index);
  if (vcpu->fd < 0)
    {
      vmm_error ("KVM_CREATE_VCPU %u: %s", vcpu->index, g_strerror (errno));
      return -errno;
    }
  vcpu->run = mmap (NULL, set->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
  if (vcpu->run == MAP_FAILED)
    {
      vcpu->run = NULL;
      vmm_error ("mapping vCPU %u's run area: %s", vcpu->index, g_strerror (errno));
      return -errno;
    }
  vcpu->coalesced = vm_coalesced_attach (set->vm, vcpu->run, set->run_size);

  cpuid = g_memdup2 (supported, cpuid_size);
  cpuid_set_topology (cpuid, vcpu->index, n);
  if (ioctl (vcpu->fd, KVM_SET_CPUID2, cpuid) < 0)
    {
      vmm_error ("KVM_SET_CPUID2: %s", g_strerror (errno));
      return -errno;
    }

  msrs.header.nmsrs = 1;
  msrs.entries[0].index = MSR_IA32_MISC_ENABLE;
  msrs.entries[0].data = MSR_IA32_MISC_ENABLE_FAST_STRING;
  if (ioctl (vcpu->fd, KVM_SET_MSRS, &msrs) != 1)
    vmm_debug ("KVM_SET_MSRS: MISC_ENABLE not accepted");

  if (ioctl (vcpu->fd, KVM_SET_FPU, &fpu) < 0)
    {
      vmm_error ("KVM_SET_FPU: %s", g_strerror (errno));
      return -errno;
    }

  /* Virtual-wire mode: the PIC's interrupts reach the CPU through LINT0 until
   * the guest switches to the IOAPIC; LINT1 carries NMIs. */
  if (ioctl (vcpu->fd, KVM_GET_LAPIC, &lapic) < 0)
    {
      vmm_error ("KVM_GET_LAPIC: %s", g_strerror (errno));
      return -errno;
    }
  vcpu_set_lvt (&lapic, APIC_LVT_LINT0, APIC_MODE_EXTINT);
  vcpu_set_lvt (&lapic, APIC_LVT_LINT1, APIC_MODE_NMI);
  if (ioctl (vcpu->fd, KVM_SET_LAPIC, &lapic) < 0)
    {
      vmm_error ("KVM_SET_LAPIC: %s", g_strerror (errno));
      return -errno;
    }
  return 0;
}

int
vcpus_create (struct vcpus *set, struct vm *vm, unsigned n)
{
  g_autofree struct kvm_cpuid2 *supported = NULL;
  int size;
  int ret;

  memset (set, 0, sizeof *set);
  set->vm = vm;
  pthread_mutex_init (&set->lock, NULL);
  pthread_cond_init (&set->cond, NULL);

  if (n == 0 || n > VM_MAX_VCPUS)
    return -EINVAL;
  size = ioctl (vm->kvm.fd, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (size <= 0)
    return -EINVAL;
  set->run_size = size;
  supported = cpuid_get_supported (vm->kvm.fd);
  if (!supported)
    return -EIO;

  set->vcpu = g_new0 (struct vcpu, n);
  set->n = n;
  for (unsigned i = 0; i < n; i++)
    {
      set->vcpu[i].set = set;
      set->vcpu[i].index = i;
      set->vcpu[i].fd = -1;
    }
  for (unsigned i = 0; i < n; i++)
    {
      ret = vcpu_setup (&set->vcpu[i], supported, n);
      if (ret < 0)
        return ret;
    }
  return 0;
}

void
vcpus_destroy (struct vcpus *set)
{
  vcpus_stop (set);
  /* The last queued writes land; then nobody reads the ring in our mappings. */
  if (set->vm)
    {
      vm_coalesced_flush (set->vm);
      vm_coalesced_detach (set->vm);
    }
  for (unsigned i = 0; i < set->n; i++)
    {
      if (set->vcpu[i].run)
        munmap (set->vcpu[i].run, set->run_size);
      if (set->vcpu[i].fd >= 0)
        close (set->vcpu[i].fd);
    }
  g_clear_pointer (&set->vcpu, g_free);
  set->n = 0;
  pthread_cond_destroy (&set->cond);
  pthread_mutex_destroy (&set->lock);
}

static void
vcpu_handle_io (struct vcpu *vcpu)
{
  struct kvm_run *run = vcpu->run;
  uint8_t *data = (uint8_t *) run + run->io.data_offset;
  struct bus *pio = &vcpu->set->vm->pio;

  for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
    {
      if (run->io.direction == KVM_EXIT_IO_OUT)
        bus_write (pio, run->io.port, data, run->io.size);
      else
        bus_read (pio, run->io.port, data, run->io.size);
    }
}

static void
vcpu_handle_mmio (struct vcpu *vcpu)
{
  struct kvm_run *run = vcpu->run;
  struct bus *mmio = &vcpu->set->vm->mmio;
  unsigned len = MIN (run->mmio.len, sizeof run->mmio.data);

  if (run->mmio.is_write)
    bus_write (mmio, run->mmio.phys_addr, run->mmio.data, len);
  else
    bus_read (mmio, run->mmio.phys_addr, run->mmio.data, len);
}

static void
vcpu_crash (struct vcpu *vcpu, const char *what)
{
  g_autofree char *dump = vcpu_dump_registers (vcpu);

  vmm_error ("vCPU %u: %s\n%s", vcpu->index, what, dump);
  vm_request (vcpu->set->vm, VM_REQUEST_CRASH);
}

/* Returns false when the loop must end. */
static bool
vcpu_handle_exit (struct vcpu *vcpu)
{
  struct kvm_run *run = vcpu->run;
  g_autofree char *what = NULL;

  switch (run->exit_reason)
    {
    case KVM_EXIT_IO:
      vcpu_handle_io (vcpu);
      return true;
    case KVM_EXIT_MMIO:
      vcpu_handle_mmio (vcpu);
      return true;
    case KVM_EXIT_HLT:
    case KVM_EXIT_INTR:
    case KVM_EXIT_IRQ_WINDOW_OPEN:
      return true;
    case KVM_EXIT_SHUTDOWN:
      vcpu_crash (vcpu, "triple fault (the guest CPU shut down)");
      return false;
    case KVM_EXIT_SYSTEM_EVENT:
      switch (run->system_event.type)
        {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
          vm_request (vcpu->set->vm, VM_REQUEST_POWEROFF);
          return false;
        case KVM_SYSTEM_EVENT_RESET:
          vm_request (vcpu->set->vm, VM_REQUEST_RESET);
          return false;
        default:
          vcpu_crash (vcpu, "the guest reported a crash");
          return false;
        }
    case KVM_EXIT_FAIL_ENTRY:
      what = g_strdup_printf ("KVM could not enter the guest (hardware reason %#llx)",
                              (unsigned long long) run->fail_entry.hardware_entry_failure_reason);
      vcpu_crash (vcpu, what);
      return false;
    case KVM_EXIT_INTERNAL_ERROR:
      what = g_strdup_printf ("KVM internal error (suberror %u)", run->internal.suberror);
      vcpu_crash (vcpu, what);
      return false;
    default:
      what = g_strdup_printf ("unexpected KVM exit %u", run->exit_reason);
      vcpu_crash (vcpu, what);
      return false;
    }
}

/* Parks while paused; returns false when asked to stop. */
static bool
vcpu_check_requests (struct vcpu *vcpu)
{
  struct vcpus *set = vcpu->set;
  bool keep_running;

  pthread_mutex_lock (&set->lock);
  if (set->pause && !set->stop)
    {
      set->n_parked++;
      pthread_cond_broadcast (&set->cond);
      while (set->pause && !set->stop)
        pthread_cond_wait (&set->cond, &set->lock);
      set->n_parked--;
    }
  keep_running = !set->stop;
  vcpu->run->immediate_exit = 0;
  pthread_mutex_unlock (&set->lock);
  return keep_running;
}

static void *
vcpu_thread (void *data)
{
  struct vcpu *vcpu = data;
  struct vcpus *set = vcpu->set;
  g_autofree char *name = g_strdup_printf ("vcpu%u", vcpu->index);

  pthread_setname_np (pthread_self (), name);

  while (vcpu_check_requests (vcpu))
    {
      int ret = ioctl (vcpu->fd, KVM_RUN, 0);

      /* Writes KVM queued come before whatever made it exit; most exits
       * find none, and pay one look at the ring for it. */
      if (vm_coalesced_pending (vcpu->coalesced))
        vm_coalesced_flush (set->vm);
      if (ret < 0)
        {
          if (errno == EINTR || errno == EAGAIN)
            continue;
          vmm_error ("vCPU %u: KVM_RUN: %s", vcpu->index, g_strerror (errno));
          vm_request (set->vm, VM_REQUEST_CRASH);
          break;
        }
      if (!vcpu_handle_exit (vcpu))
        break;
    }

  /* A thread that left its loop counts as parked, so a pause never waits on it. */
  pthread_mutex_lock (&set->lock);
  set->n_parked++;
  pthread_cond_broadcast (&set->cond);
  pthread_mutex_unlock (&set->lock);
  return NULL;
}

int
vcpus_start (struct vcpus *set)
{
  struct sigaction sa = { .sa_handler = vcpu_kick_handler };
  sigset_t kick;

  /* Installed without SA_RESTART so the signal interrupts KVM_RUN. */
  sigemptyset (&sa.sa_mask);
  if (sigaction (VCPU_KICK_SIGNAL, &sa, NULL) < 0)
    return -errno;
  sigemptyset (&kick);
  sigaddset (&kick, VCPU_KICK_SIGNAL);
  pthread_sigmask (SIG_UNBLOCK, &kick, NULL);

  set->stop = false;
  set->n_parked = 0;
  for (unsigned i = 0; i < set->n; i++)
    {
      int err = pthread_create (&set->vcpu[i].thread, NULL, vcpu_thread, &set->vcpu[i]);

      if (err)
        {
          vmm_error ("cannot start vCPU thread %u: %s", i, g_strerror (err));
          vcpus_stop (set);
          return -err;
        }
      set->vcpu[i].started = true;
    }
  return 0;
}

/* Called with the lock held. */
static void
vcpus_kick_locked (struct vcpus *set)
{
  for (unsigned i = 0; i < set->n; i++)
    if (set->vcpu[i].started)
      {
        set->vcpu[i].run->immediate_exit = 1;
        pthread_kill (set->vcpu[i].thread, VCPU_KICK_SIGNAL);
      }
}

void
vcpus_pause (struct vcpus *set)
{
  unsigned started = 0;

  pthread_mutex_lock (&set->lock);
  for (unsigned i = 0; i < set->n; i++)
    started += set->vcpu[i].started;
  set->pause = true;
  vcpus_kick_locked (set);
  while (set->n_parked < started)
    pthread_cond_wait (&set->cond, &set->lock);
  pthread_mutex_unlock (&set->lock);
}

void
vcpus_resume (struct vcpus *set)
{
  pthread_mutex_lock (&set->lock);
  set->pause = false;
  pthread_cond_broadcast (&set->cond);
  pthread_mutex_unlock (&set->lock);
}

void
vcpus_stop (struct vcpus *set)
{
  if (!set->vcpu)
    return;
  pthread_mutex_lock (&set->lock);
  set->stop = true;
  pthread_cond_broadcast (&set->cond);
  vcpus_kick_locked (set);
  pthread_mutex_unlock (&set->lock);
  for (unsigned i = 0; i < set->n; i++)
    if (set->vcpu[i].started)
      {
        pthread_join (set->vcpu[i].thread, NULL);
        set->vcpu[i].started = false;
      }
}

static void
vcpu_dump_segment (GString *s, const char *name, const struct kvm_segment *seg)
{
  g_string_append_printf (s, "  %-3s sel=%04x base=%016llx limit=%08x type=%x p=%u dpl=%u db=%u s=%u l=%u g=%u\n",
                          name, seg->selector, (unsigned long long) seg->base, seg->limit, seg->type,
                          seg->present, seg->dpl, seg->db, seg->s, seg->l, seg->g);
}

char *
vcpu_dump_registers (struct vcpu *vcpu)
{
  struct kvm_regs r;
  struct kvm_sregs s;
  GString *out = g_string_new (NULL);

  if (ioctl (vcpu->fd, KVM_GET_REGS, &r) < 0 || ioctl (vcpu->fd, KVM_GET_SREGS, &s) < 0)
    {
      g_string_append_printf (out, "  (registers unavailable: %s)", g_strerror (errno));
      return g_string_free (out, FALSE);
    }
#define R(x) (unsigned long long) (x)
  g_string_append_printf (out,
    "  rip=%016llx rsp=%016llx rflags=%016llx\n"
    "  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
    "  rsi=%016llx rdi=%016llx rbp=%016llx\n"
    "  r8 =%016llx r9 =%016llx r10=%016llx r11=%016llx\n"
    "  r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n"
    "  cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx efer=%016llx\n"
    "  gdt=%016llx/%04x idt=%016llx/%04x\n",
    R (r.rip), R (r.rsp), R (r.rflags), R (r.rax), R (r.rbx), R (r.rcx), R (r.rdx),
    R (r.rsi), R (r.rdi), R (r.rbp), R (r.r8), R (r.r9), R (r.r10), R (r.r11),
    R (r.r12), R (r.r13), R (r.r14), R (r.r15),
    R (s.cr0), R (s.cr2), R (s.cr3), R (s.cr4), R (s.efer),
    R (s.gdt.base), s.gdt.limit, R (s.idt.base), s.idt.limit);
#undef R
  vcpu_dump_segment (out, "cs", &s.cs);
  vcpu_dump_segment (out, "ds", &s.ds);
  vcpu_dump_segment (out, "ss", &s.ss);
  vcpu_dump_segment (out, "tr", &s.tr);
  g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}
