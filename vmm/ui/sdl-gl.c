/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sdl"

#include "config.h"

#include "sdl-gl.h"

#include <epoxy/gl.h>
#include <errno.h>
#include <glib.h>

#include "log.h"

struct sdl_gl {
  GLuint program, vbo, vao, texture, cursor_texture;
  GLint use_alpha;                  /* the uniform's location */
  bool have_vao;
  uint32_t tex_width, tex_height;   /* 0: no surface */
  bool have_cursor;
  GLint max_texture_size;
};

/* One shader text for GLSL 3.30 core and 1.20 (GL 2.1): the differences are
 * keywords, bridged by the prelude. */
static const char vertex_body[] =
  "ATTRIBUTE vec2 pos;\n"
  "ATTRIBUTE vec2 uv;\n"
  "VARYING_OUT vec2 v_uv;\n"
  "void main () {\n"
  "  v_uv = uv;\n"
  "  gl_Position = vec4 (pos, 0.0, 1.0);\n"
  "}\n";

static const char fragment_body[] =
  "uniform sampler2D tex;\n"
  "uniform float use_alpha;\n"
  "VARYING_IN vec2 v_uv;\n"
  "void main () {\n"
  "  vec4 t = TEXTURE (tex, v_uv);\n"
  /* The X byte of XRGB8888 is undefined: the screen is opaque; the cursor
   * (ARGB8888) is not. */
  "  FRAG_COLOR = vec4 (t.rgb, mix (1.0, t.a, use_alpha));\n"
  "}\n";

static const char prelude_330_vs[] =
  "#version 330 core\n#define ATTRIBUTE in\n#define VARYING_OUT out\n";
static const char prelude_330_fs[] =
  "#version 330 core\n#define VARYING_IN in\nout vec4 frag_color;\n"
  "#define FRAG_COLOR frag_color\n#define TEXTURE texture\n";
static const char prelude_120_vs[] =
  "#version 120\n#define ATTRIBUTE attribute\n#define VARYING_OUT varying\n";
static const char prelude_120_fs[] =
  "#version 120\n#define VARYING_IN varying\n"
  "#define FRAG_COLOR gl_FragColor\n#define TEXTURE texture2D\n";

/* Triangle strip covering the viewport: x, y, u, v. Texture row 0 is the
 * surface's top line, at y = +1. */
static const GLfloat quad[] = {
  -1.f, -1.f, 0.f, 1.f,
   1.f, -1.f, 1.f, 1.f,
  -1.f,  1.f, 0.f, 0.f,
   1.f,  1.f, 1.f, 0.f,
};

static GLuint
sdl_gl_compile (GLenum type, const char *prelude, const char *body, char **why)
{
  const char *sources[] = { prelude, body };
  GLuint shader = glCreateShader (type);
  GLint ok = 0;

  glShaderSource (shader, 2, sources, NULL);
  glCompileShader (shader);
  glGetShaderiv (shader, GL_COMPILE_STATUS, &ok);
  if (!ok)
    {
      char log[512] = "";
      glGetShaderInfoLog (shader, sizeof log, NULL, log);
      *why = g_strdup_printf ("OpenGL shader does not compile: %s", log);
      glDeleteShader (shader);
      return 0;
    }
  return shader;
}

static bool
sdl_gl_build_program (struct sdl_gl *gl, bool glsl_330, char **why)
{
  GLuint vs, fs;
  GLint ok = 0;

  vs = sdl_gl_compile (GL_VERTEX_SHADER, glsl_330 ? prelude_330_vs : prelude_120_vs,
                       vertex_body, why);
  if (!vs)
    return false;
  fs = sdl_gl_compile (GL_FRAGMENT_SHADER, glsl_330 ? prelude_330_fs : prelude_120_fs,
                       fragment_body, why);
  if (!fs)
    {
      glDeleteShader (vs);
      return false;
    }
  gl->program = glCreateProgram ();
  glAttachShader (gl->program, vs);
  glAttachShader (gl->program, fs);
  glBindAttribLocation (gl->program, 0, "pos");
  glBindAttribLocation (gl->program, 1, "uv");
  glLinkProgram (gl->program);
  glDeleteShader (vs);
  glDeleteShader (fs);
  glGetProgramiv (gl->program, GL_LINK_STATUS, &ok);
  if (!ok)
    {
      char log[512] = "";
      glGetProgramInfoLog (gl->program, sizeof log, NULL, log);
      *why = g_strdup_printf ("OpenGL program does not link: %s", log);
      return false;
    }
  glUseProgram (gl->program);
  glUniform1i (glGetUniformLocation (gl->program, "tex"), 0);
  gl->use_alpha = glGetUniformLocation (gl->program, "use_alpha");
  glUniform1f (gl->use_alpha, 0.f);
  return true;
}

struct sdl_gl *
sdl_gl_new (char **why)
{
  struct sdl_gl *gl;
  int version = epoxy_gl_version ();
  bool glsl_330;

  if (epoxy_is_desktop_gl () == false || version < 21)
    {
      *why = g_strdup_printf ("desktop OpenGL 2.1 or later is needed, the context has %s %d.%d",
                              epoxy_is_desktop_gl () ? "OpenGL" : "OpenGL ES",
                              version / 10, version % 10);
      return NULL;
    }
  gl = g_new0 (struct sdl_gl, 1);
  glsl_330 = version >= 33;
  if (!sdl_gl_build_program (gl, glsl_330, why))
    {
      sdl_gl_free (gl);
      return NULL;
    }
  vmm_debug ("OpenGL %d.%d, renderer %s", version / 10, version % 10,
             (const char *) glGetString (GL_RENDERER));

  /* Core profiles draw nothing without a vertex array object. */
  gl->have_vao = version >= 30;
  if (gl->have_vao)
    {
      glGenVertexArrays (1, &gl->vao);
      glBindVertexArray (gl->vao);
    }
  glGenBuffers (1, &gl->vbo);
  glBindBuffer (GL_ARRAY_BUFFER, gl->vbo);
  glBufferData (GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray (0);
  glVertexAttribPointer (0, 2, GL_FLOAT, GL_FALSE, 4 * sizeof (GLfloat), (void *) 0);
  glEnableVertexAttribArray (1);
  glVertexAttribPointer (1, 2, GL_FLOAT, GL_FALSE, 4 * sizeof (GLfloat),
                         (void *) (2 * sizeof (GLfloat)));

  glActiveTexture (GL_TEXTURE0);
  glGenTextures (1, &gl->cursor_texture);
  glBindTexture (GL_TEXTURE_2D, gl->cursor_texture);
  /* Cursors are pixel art: scaled by whole pixels, not smoothed. */
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glGenTextures (1, &gl->texture);
  glBindTexture (GL_TEXTURE_2D, gl->texture);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glGetIntegerv (GL_MAX_TEXTURE_SIZE, &gl->max_texture_size);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  return gl;
}

void
sdl_gl_free (struct sdl_gl *gl)
{
  if (!gl)
    return;
  if (gl->texture)
    glDeleteTextures (1, &gl->texture);
  if (gl->cursor_texture)
    glDeleteTextures (1, &gl->cursor_texture);
  if (gl->vbo)
    glDeleteBuffers (1, &gl->vbo);
  if (gl->vao)
    glDeleteVertexArrays (1, &gl->vao);
  if (gl->program)
    glDeleteProgram (gl->program);
  g_free (gl);
}

int
sdl_gl_set_surface (struct sdl_gl *gl, const struct display_surface *surface)
{
  gl->tex_width = gl->tex_height = 0;
  if (!surface)
    return 0;
  if (surface->width > (uint32_t) gl->max_texture_size
      || surface->height > (uint32_t) gl->max_texture_size)
    {
      vmm_error ("a %ux%u screen is larger than this OpenGL's textures (%d)", surface->width,
                 surface->height, gl->max_texture_size);
      return -E2BIG;
    }
  glBindTexture (GL_TEXTURE_2D, gl->texture);
  glPixelStorei (GL_UNPACK_ROW_LENGTH, (GLint) (surface->stride / DISPLAY_BYTES_PER_PIXEL));
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, (GLsizei) surface->width, (GLsizei) surface->height,
                0, GL_BGRA, GL_UNSIGNED_BYTE, surface->data);
  gl->tex_width = surface->width;
  gl->tex_height = surface->height;
  return 0;
}

void
sdl_gl_update (struct sdl_gl *gl, const struct display_surface *surface,
               const struct display_rect *rect)
{
  /* The display clips damage to the surface it was reported on; this only
   * guards against a surface that is not the texture's. */
  if (surface->width != gl->tex_width || surface->height != gl->tex_height || rect->x < 0
      || rect->y < 0 || (uint64_t) rect->x + rect->width > surface->width
      || (uint64_t) rect->y + rect->height > surface->height)
    return;
  glBindTexture (GL_TEXTURE_2D, gl->texture);
  glPixelStorei (GL_UNPACK_ROW_LENGTH, (GLint) (surface->stride / DISPLAY_BYTES_PER_PIXEL));
  glTexSubImage2D (GL_TEXTURE_2D, 0, rect->x, rect->y, (GLsizei) rect->width,
                   (GLsizei) rect->height, GL_BGRA, GL_UNSIGNED_BYTE,
                   surface->data + (size_t) rect->y * surface->stride
                     + (size_t) rect->x * DISPLAY_BYTES_PER_PIXEL);
}

void
sdl_gl_set_cursor (struct sdl_gl *gl, const struct display_cursor *cursor)
{
  gl->have_cursor = cursor && cursor->width > 0 && cursor->height > 0;
  if (!gl->have_cursor)
    return;
  glBindTexture (GL_TEXTURE_2D, gl->cursor_texture);
  glPixelStorei (GL_UNPACK_ROW_LENGTH, 0);
  /* ARGB8888 in a little-endian word is B, G, R, A in memory. */
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, (GLsizei) cursor->width, (GLsizei) cursor->height,
                0, GL_BGRA, GL_UNSIGNED_BYTE, cursor->pixels);
}

void
sdl_gl_draw (struct sdl_gl *gl, int drawable_width, int drawable_height,
             const struct sdl_viewport *viewport, const struct sdl_viewport *cursor)
{
  glViewport (0, 0, drawable_width, drawable_height);
  glClearColor (0.f, 0.f, 0.f, 1.f);
  glClear (GL_COLOR_BUFFER_BIT);
  if (gl->tex_width == 0 || viewport->width <= 0 || viewport->height <= 0)
    return;
  /* GL's window origin is the bottom left. */
  glViewport (viewport->x, drawable_height - viewport->y - viewport->height, viewport->width,
              viewport->height);
  glUseProgram (gl->program);
  if (gl->have_vao)
    glBindVertexArray (gl->vao);
  glBindTexture (GL_TEXTURE_2D, gl->texture);
  glDrawArrays (GL_TRIANGLE_STRIP, 0, 4);

  if (!cursor || !gl->have_cursor || cursor->width <= 0 || cursor->height <= 0)
    return;
  /* The same quad, in the cursor's rectangle, blended over the screen. */
  glViewport (cursor->x, drawable_height - cursor->y - cursor->height, cursor->width,
              cursor->height);
  glEnable (GL_BLEND);
  glBlendFunc (GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
  glUniform1f (gl->use_alpha, 1.f);
  glBindTexture (GL_TEXTURE_2D, gl->cursor_texture);
  glDrawArrays (GL_TRIANGLE_STRIP, 0, 4);
  glUniform1f (gl->use_alpha, 0.f);
  glDisable (GL_BLEND);
}
