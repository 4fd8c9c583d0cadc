/* bench-weights-read.c: what reading a model's weights into private memory
 * costs against mapping the file, side by side on the same file.
 *
 *   bench-weights-read [FILE] [RUNS]
 *
 * The shim copies model.safetensors into anonymous memory (pread into an
 * anonymous mapping populated in bulk, shim/module/attn-shim-safetensors.cpp)
 * so that a file truncated or rewritten under a loaded model cannot kill the
 * process with SIGBUS or change its predictions. A mapping costs nothing up
 * front but faults every page in on first use; the copy reads them all at
 * load. Both are timed to "every page touched once", from the page cache,
 * alternating, and the medians are printed with their ratio. Without FILE,
 * a 420 MB file of random bytes (bert-base's size) is made in $TMPDIR. */

#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile unsigned long sink;

static void
touch (const unsigned char *p, size_t len)
{
  unsigned long sum = 0;

  for (size_t i = 0; i < len; i += 4096)
    sum += p[i];
  sink += sum;
}

static double
run_mapped (const char *path, size_t len)
{
  gint64 t0 = g_get_monotonic_time ();
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  void *addr = mmap (NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);

  if (fd < 0 || addr == MAP_FAILED)
    g_error ("cannot map %s", path);
  touch (addr, len);
  munmap (addr, len);
  close (fd);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static double
run_copied (const char *path, size_t len)
{
  gint64 t0 = g_get_monotonic_time ();
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  unsigned char *addr =
      mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  size_t done = 0;

  if (fd < 0 || addr == MAP_FAILED)
    g_error ("cannot read %s", path);
  madvise (addr, len, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  madvise (addr, len, MADV_POPULATE_WRITE);
#endif
  while (done < len)
    {
      ssize_t got = pread (fd, addr + done, MIN (len - done, (size_t)1 << 30), (off_t)done);

      if (got <= 0)
        g_error ("short read of %s", path);
      done += (size_t)got;
    }
  touch (addr, len);
  munmap (addr, len);
  close (fd);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  g_autofree char *made = NULL;
  const char *path = argc > 1 ? argv[1] : NULL;
  int runs = argc > 2 ? atoi (argv[2]) : 7;
  g_autofree double *mapped = NULL, *copied = NULL;
  struct stat st;

  if (path == NULL)
    {
      g_autofree char *data = g_malloc (420u << 20);
      GRand *rand = g_rand_new_with_seed (1);

      for (size_t i = 0; i < (420u << 20) / 4; i++)
        ((guint32 *)data)[i] = g_rand_int (rand);
      g_rand_free (rand);
      made = g_build_filename (g_get_tmp_dir (), "bench-weights-read.bin", NULL);
      if (!g_file_set_contents (made, data, 420u << 20, NULL))
        g_error ("cannot write %s", made);
      path = made;
    }
  if (runs < 1 || stat (path, &st) != 0)
    {
      fprintf (stderr, "usage: bench-weights-read [FILE] [RUNS]\n");
      return 2;
    }
  mapped = g_new (double, runs);
  copied = g_new (double, runs);
  run_copied (path, st.st_size); /* into the page cache */
  for (int i = 0; i < runs; i++)
    {
      mapped[i] = run_mapped (path, st.st_size);
      copied[i] = run_copied (path, st.st_size);
    }
  qsort (mapped, runs, sizeof *mapped, compare);
  qsort (copied, runs, sizeof *copied, compare);
  printf ("%s, %.0f MB, %d runs each, alternating, from the page cache\n", path, st.st_size / 1e6,
          runs);
  printf ("| mapped, every page touched | copied into private memory, every page touched | "
          "ratio |\n|---|---|---|\n");
  printf ("| %.0f ms (%.0f–%.0f) | %.0f ms (%.0f–%.0f) | %.2f× |\n", mapped[runs / 2], mapped[0],
          mapped[runs - 1], copied[runs / 2], copied[0], copied[runs - 1],
          copied[runs / 2] / mapped[runs / 2]);
  if (made != NULL)
    g_unlink (made);
  return 0;
}
