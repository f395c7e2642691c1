/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-gpu"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "edid.h"
#include "gpu-internal.h"
#include "log.h"

/* Parsing and dispatch of requests from both queues. A request is copied out
 * of guest memory once, checked against its command's size, and answered
 * synchronously, fences included. */

union virtio_gpu_request {
  struct virtio_gpu_ctrl_hdr hdr;
  struct virtio_gpu_resource_create_2d create_2d;
  struct virtio_gpu_resource_unref unref;
  struct virtio_gpu_set_scanout set_scanout;
  struct virtio_gpu_resource_flush flush;
  struct virtio_gpu_transfer_to_host_2d transfer;
  struct virtio_gpu_resource_attach_backing attach;
  struct virtio_gpu_resource_detach_backing detach;
  struct virtio_gpu_cmd_get_edid get_edid;
  struct virtio_gpu_update_cursor cursor;
  struct virtio_gpu_get_capset_info capset_info;
};

union virtio_gpu_response {
  struct virtio_gpu_ctrl_hdr hdr;
  struct virtio_gpu_resp_display_info display_info;
  struct virtio_gpu_resp_edid edid;
};

struct virtio_gpu_command {
  uint32_t type;
  unsigned queue;
  size_t request_size;
  size_t response_size;
};

static const struct virtio_gpu_command virtio_gpu_commands[] = {
  { VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_CONTROLQ, sizeof (struct virtio_gpu_ctrl_hdr),
    sizeof (struct virtio_gpu_resp_display_info) },
  { VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, VIRTIO_GPU_CONTROLQ,
    sizeof (struct virtio_gpu_resource_create_2d), sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_RESOURCE_UNREF, VIRTIO_GPU_CONTROLQ,
    sizeof (struct virtio_gpu_resource_unref), sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_SET_SCANOUT, VIRTIO_GPU_CONTROLQ, sizeof (struct virtio_gpu_set_scanout),
    sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_RESOURCE_FLUSH, VIRTIO_GPU_CONTROLQ,
    sizeof (struct virtio_gpu_resource_flush), sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, VIRTIO_GPU_CONTROLQ,
    sizeof (struct virtio_gpu_transfer_to_host_2d), sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, VIRTIO_GPU_CONTROLQ,
    sizeof (struct virtio_gpu_resource_attach_backing), sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, VIRTIO_GPU_CONTROLQ,
    sizeof (struct virtio_gpu_resource_detach_backing), sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_GET_CAPSET_INFO, VIRTIO_GPU_CONTROLQ,
    sizeof (struct virtio_gpu_get_capset_info), sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_GET_EDID, VIRTIO_GPU_CONTROLQ, sizeof (struct virtio_gpu_cmd_get_edid),
    sizeof (struct virtio_gpu_resp_edid) },
  { VIRTIO_GPU_CMD_UPDATE_CURSOR, VIRTIO_GPU_CURSORQ, sizeof (struct virtio_gpu_update_cursor),
    sizeof (struct virtio_gpu_ctrl_hdr) },
  { VIRTIO_GPU_CMD_MOVE_CURSOR, VIRTIO_GPU_CURSORQ, sizeof (struct virtio_gpu_update_cursor),
    sizeof (struct virtio_gpu_ctrl_hdr) },
};

static const struct virtio_gpu_command *
virtio_gpu_command_lookup (uint32_t type, unsigned q)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (virtio_gpu_commands); i++)
    if (virtio_gpu_commands[i].type == type && virtio_gpu_commands[i].queue == q)
      return &virtio_gpu_commands[i];
  return NULL;
}

static uint32_t
virtio_gpu_attach_backing (struct virtio_gpu *gpu, const struct virtio_gpu_resource_attach_backing *req,
                           const struct virtqueue_elem *elem)
{
  uint32_t n = GUINT32_FROM_LE (req->nr_entries);
  struct virtio_gpu_mem_entry *entries;
  size_t len = (size_t) n * sizeof *entries;
  uint32_t status;

  if (n == 0 || n > VIRTIO_GPU_MAX_BACKING_ENTRIES)
    {
      vmm_guest_error ("%s: attach with %u backing entries", gpu->vdev.name, n);
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
  if (elem->out_len < sizeof *req + len)
    {
      vmm_guest_error ("%s: attach request shorter than its %u entries", gpu->vdev.name, n);
      return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
  entries = g_try_malloc (len);
  if (!entries)
    return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
  virtqueue_iov_to_buf (elem->iov, elem->out_num, sizeof *req, entries, len);
  status = virtio_gpu_resource_attach (gpu, req, entries);
  g_free (entries);
  return status;
}

static uint32_t
virtio_gpu_get_edid (struct virtio_gpu *gpu, const struct virtio_gpu_cmd_get_edid *req,
                     struct virtio_gpu_resp_edid *resp)
{
  uint32_t n = GUINT32_FROM_LE (req->scanout);
  uint32_t w, h;

  if (n >= gpu->n_scanouts)
    {
      vmm_guest_error ("%s: EDID of scanout %u of %u", gpu->vdev.name, n, gpu->n_scanouts);
      return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    }
  pthread_mutex_lock (&gpu->lock);
  w = gpu->scanouts[n].want_width;
  h = gpu->scanouts[n].want_height;
  pthread_mutex_unlock (&gpu->lock);
  /* A disconnected scanout still describes a monitor: the default one. */
  virtio_gpu_edid_build (resp->edid, w, h, n);
  resp->size = GUINT32_TO_LE (VIRTIO_GPU_EDID_SIZE);
  return VIRTIO_GPU_RESP_OK_EDID;
}

/* Runs @cmd; fills @resp past its header for responses with data. */
static uint32_t
virtio_gpu_run (struct virtio_gpu *gpu, const union virtio_gpu_request *req,
                const struct virtqueue_elem *elem, union virtio_gpu_response *resp)
{
  switch (GUINT32_FROM_LE (req->hdr.type))
    {
    case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
      virtio_gpu_display_info (gpu, &resp->display_info);
      return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
    case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
      return virtio_gpu_resource_create (gpu, &req->create_2d);
    case VIRTIO_GPU_CMD_RESOURCE_UNREF:
      return virtio_gpu_resource_unref (gpu, GUINT32_FROM_LE (req->unref.resource_id));
    case VIRTIO_GPU_CMD_SET_SCANOUT:
      return virtio_gpu_set_scanout (gpu, &req->set_scanout);
    case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
      return virtio_gpu_flush (gpu, &req->flush);
    case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
      return virtio_gpu_transfer_to_host (gpu, &req->transfer);
    case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
      return virtio_gpu_attach_backing (gpu, &req->attach, elem);
    case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
      return virtio_gpu_resource_detach (gpu, GUINT32_FROM_LE (req->detach.resource_id));
    case VIRTIO_GPU_CMD_GET_CAPSET_INFO:
      /* num_capsets is 0: every index is out of range. */
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    case VIRTIO_GPU_CMD_GET_EDID:
      return virtio_gpu_get_edid (gpu, &req->get_edid, &resp->edid);
    case VIRTIO_GPU_CMD_UPDATE_CURSOR:
      return virtio_gpu_cursor (gpu, &req->cursor, false);
    case VIRTIO_GPU_CMD_MOVE_CURSOR:
      return virtio_gpu_cursor (gpu, &req->cursor, true);
    default:
      return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
}

int64_t
virtio_gpu_handle (struct virtio_gpu *gpu, unsigned q, struct virtqueue_elem *elem)
{
  const struct iovec *in = elem->iov + elem->out_num;
  const struct virtio_gpu_command *cmd = NULL;
  union virtio_gpu_request req;
  union virtio_gpu_response resp;
  size_t resp_len = sizeof resp.hdr;
  uint32_t type, flags;

  /* The cursor queue may go without responses (Linux sends none); the
   * control queue must carry one. */
  if (elem->in_len < sizeof resp.hdr && (q == VIRTIO_GPU_CONTROLQ || elem->in_len > 0))
    {
      vmm_guest_error ("%s: request without room for a response", gpu->vdev.name);
      return -EIO;
    }

  memset (&req, 0, sizeof req);
  memset (&resp, 0, sizeof resp);
  virtqueue_iov_to_buf (elem->iov, elem->out_num, 0, &req, MIN (elem->out_len, sizeof req));
  type = GUINT32_FROM_LE (req.hdr.type);
  if (elem->out_len >= sizeof req.hdr)
    cmd = virtio_gpu_command_lookup (type, q);

  if (!cmd)
    {
      vmm_guest_error ("%s: unknown or truncated command 0x%x on queue %u", gpu->vdev.name,
                       type, q);
      type = VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
  else if (elem->out_len < cmd->request_size)
    {
      vmm_guest_error ("%s: command 0x%x is %" G_GUINT64_FORMAT " bytes, under %zu",
                       gpu->vdev.name, type, elem->out_len, cmd->request_size);
      type = VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
  else if (elem->in_len && elem->in_len < cmd->response_size)
    {
      vmm_guest_error ("%s: no room for command 0x%x's response", gpu->vdev.name, type);
      type = VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
  else
    {
      type = virtio_gpu_run (gpu, &req, elem, &resp);
      if (type == VIRTIO_GPU_RESP_OK_DISPLAY_INFO || type == VIRTIO_GPU_RESP_OK_EDID)
        resp_len = cmd->response_size;
    }

  if (elem->in_len == 0)
    return 0;
  resp.hdr.type = GUINT32_TO_LE (type);
  /* Commands complete before the response: a fence is signalled with it. */
  flags = GUINT32_FROM_LE (req.hdr.flags);
  if (elem->out_len >= sizeof req.hdr && (flags & VIRTIO_GPU_FLAG_FENCE))
    {
      resp.hdr.flags = GUINT32_TO_LE (VIRTIO_GPU_FLAG_FENCE);
      resp.hdr.fence_id = req.hdr.fence_id;
      resp.hdr.ctx_id = req.hdr.ctx_id;
    }
  return virtqueue_iov_from_buf (in, elem->in_num, 0, &resp, resp_len);
}
