/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the app's display widget should hand a guest frame to GTK 4.8: every
 * frame rewrites a whole XRGB8888 buffer (as a guest's full-screen redraw
 * does to the VMM's shared surface), and one of these paths shows it:
 *
 *   premul   a new GdkMemoryTexture over the buffer itself each frame
 *            (B8G8R8A8_PREMULTIPLIED over black, no copy of ours): what
 *            src/terrarium-display-view.c does;
 *   rgb      XRGB converted to a persistent R8G8B8 buffer, then a new
 *            GdkMemoryTexture (one conversion copy per frame);
 *   glarea   a GtkGLArea (libepoxy) keeping one GL texture, updated with
 *            glTexSubImage2D (GL_BGRA) and drawn as one triangle.
 *
 * Prints one line: path, size, frames, frames/s, mean paint time (frame
 * clock "paint" to "after-paint": snapshot, upload, drawing) and process
 * CPU time per frame.
 *
 * Usage: app-display-paths premul|rgb|glarea WIDTH HEIGHT SECONDS
 */
#include <epoxy/gl.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char *mode;
static int width, height;
static guint8 *pixels;   /* XRGB8888, the "guest surface" */
static guint8 *rgb;      /* the rgb path's converted copy */
static guint frames;
static gint64 paint_start, paint_total, started;
static GLuint program, texture, vao;
static const char *renderer = "?";

static void
guest_redraw (guint frame)
{
  /* A full-frame change that differs every frame, X byte left at 0. */
  for (int y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (pixels + (gsize) y * width * 4);
      guint32 value = ((frame + y) & 0xff) << 16 | (frame & 0xff) << 8 | (y & 0xff);

      for (int x = 0; x < width; x++)
        row[x] = value ^ (guint32) x;
    }
}

#define BENCH_TYPE_VIEW (bench_view_get_type ())
G_DECLARE_FINAL_TYPE (BenchView, bench_view, BENCH, VIEW, GtkWidget)
struct _BenchView { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (BenchView, bench_view, GTK_TYPE_WIDGET)

static void
bench_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  g_autoptr(GdkTexture) tex = NULL;
  g_autoptr(GBytes) bytes = NULL;
  graphene_rect_t rect = GRAPHENE_RECT_INIT (0, 0, width, height);

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 }, &rect);
  if (g_str_equal (mode, "premul"))
    {
      bytes = g_bytes_new_static (pixels, (gsize) width * height * 4);
      tex = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes,
                                    width * 4);
    }
  else
    {
      for (gsize i = 0, n = (gsize) width * height; i < n; i++)
        {
          rgb[i * 3] = pixels[i * 4 + 2];
          rgb[i * 3 + 1] = pixels[i * 4 + 1];
          rgb[i * 3 + 2] = pixels[i * 4];
        }
      bytes = g_bytes_new_static (rgb, (gsize) width * height * 3);
      tex = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, width * 3);
    }
  gtk_snapshot_append_texture (snapshot, tex, &rect);
}

static void
bench_view_class_init (BenchViewClass *klass)
{
  GTK_WIDGET_CLASS (klass)->snapshot = bench_view_snapshot;
}

static void
bench_view_init (BenchView *self)
{
}

static const char *vertex_src =
  "#version 150\n"
  "out vec2 uv;\n"
  "void main () {\n"
  "  vec2 p = vec2 ((gl_VertexID << 1) & 2, gl_VertexID & 2);\n"
  "  uv = vec2 (p.x, 1.0 - p.y);\n"
  "  gl_Position = vec4 (p * 2.0 - 1.0, 0.0, 1.0);\n"
  "}\n";
static const char *fragment_src =
  "#version 150\n"
  "in vec2 uv;\n"
  "out vec4 color;\n"
  "uniform sampler2D tex;\n"
  "void main () { color = vec4 (texture (tex, uv).rgb, 1.0); }\n";

static GLuint
compile (GLenum type, const char *src)
{
  GLuint shader = glCreateShader (type);
  GLint ok;

  glShaderSource (shader, 1, &src, NULL);
  glCompileShader (shader);
  glGetShaderiv (shader, GL_COMPILE_STATUS, &ok);
  if (!ok)
    {
      char info[512];

      glGetShaderInfoLog (shader, sizeof info, NULL, info);
      g_error ("shader: %s", info);
    }
  return shader;
}

static void
gl_realize (GtkGLArea *area)
{
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area))
    g_error ("GL: %s", gtk_gl_area_get_error (area)->message);
  program = glCreateProgram ();
  glAttachShader (program, compile (GL_VERTEX_SHADER, vertex_src));
  glAttachShader (program, compile (GL_FRAGMENT_SHADER, fragment_src));
  glLinkProgram (program);
  glGenVertexArrays (1, &vao);
  glGenTextures (1, &texture);
  glBindTexture (GL_TEXTURE_2D, texture);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_BGRA, GL_UNSIGNED_BYTE, NULL);
}

static gboolean
gl_render (GtkGLArea *area, GdkGLContext *context)
{
  glBindTexture (GL_TEXTURE_2D, texture);
  glTexSubImage2D (GL_TEXTURE_2D, 0, 0, 0, width, height, GL_BGRA, GL_UNSIGNED_BYTE, pixels);
  glUseProgram (program);
  glBindVertexArray (vao);
  glDrawArrays (GL_TRIANGLES, 0, 3);
  return TRUE;
}

static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  if (GTK_IS_GL_AREA (widget))
    gtk_gl_area_queue_render (GTK_GL_AREA (widget));
  else
    gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
on_paint (GdkFrameClock *clock)
{
  paint_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock)
{
  if (!paint_start)
    return;
  if (!started)
    started = g_get_monotonic_time ();
  paint_total += g_get_monotonic_time () - paint_start;
  paint_start = 0;
  frames++;
  /* The next frame's pixels, outside the measured time. */
  guest_redraw (frames);
}

static void
on_map (GtkWidget *widget)
{
  renderer = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (gtk_widget_get_native (widget)));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  /* GDK renders in a "paint" handler connected before any of ours, and
   * "layout" only comes when asked for: a frame starts at "before-paint". */
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_paint), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  gtk_widget_add_tick_callback (widget, tick, NULL, NULL);
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static gboolean
finish (gpointer loop)
{
  double seconds = (g_get_monotonic_time () - started) / 1e6;
  static double cpu_start = -1;

  if (cpu_start < 0)
    {
      /* The first call only resets the counters after the warm-up. */
      cpu_start = cpu_seconds ();
      frames = 0;
      paint_total = 0;
      started = g_get_monotonic_time ();
      return G_SOURCE_REMOVE;
    }
  printf ("| %s | %s | %dx%d | %u | %.1f | %.2f | %.2f |\n", mode, renderer, width, height, frames,
          frames / seconds, paint_total / 1e3 / MAX (frames, 1),
          (cpu_seconds () - cpu_start) * 1e3 / MAX (frames, 1));
  fflush (stdout);
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  GtkWidget *window, *view;
  GMainLoop *loop;
  int seconds;

  if (argc != 5)
    return fprintf (stderr, "usage: %s premul|rgb|glarea WIDTH HEIGHT SECONDS\n", argv[0]), 2;
  mode = argv[1];
  width = atoi (argv[2]);
  height = atoi (argv[3]);
  seconds = atoi (argv[4]);
  pixels = g_malloc0 ((gsize) width * height * 4);
  rgb = g_malloc0 ((gsize) width * height * 3);

  gtk_init ();
  window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  if (g_str_equal (mode, "glarea"))
    {
      view = gtk_gl_area_new ();
      g_signal_connect (view, "realize", G_CALLBACK (gl_realize), NULL);
      g_signal_connect (view, "render", G_CALLBACK (gl_render), NULL);
    }
  else
    view = g_object_new (BENCH_TYPE_VIEW, NULL);
  gtk_widget_set_size_request (view, width, height);
  g_signal_connect (view, "map", G_CALLBACK (on_map), NULL);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  loop = g_main_loop_new (NULL, FALSE);
  /* One second of warm-up (shader compiles, first uploads), then measure. */
  g_timeout_add_seconds (1, finish, loop);
  g_timeout_add_seconds (1 + seconds, finish, loop);
  g_main_loop_run (loop);
  return 0;
}
