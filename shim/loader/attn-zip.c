/* attn-zip.c: see attn-zip.h. The zip format as PyTorch writes it (stored
 * records, 64-byte aligned, zip64 past 4 GiB) and as any other zip tool
 * might (deflated records), after PKWARE's APPNOTE.TXT. */

#define _GNU_SOURCE

#include "attn-zip.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct attn_zip
{
  int refs; /* atomic */
  int fd;
  unsigned char *data;
  uint64_t size;
  attn_zip_record *records;
  size_t n_records;
  char *damage;
};

static char *printf_dup (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static char *
printf_dup (const char *fmt, ...)
{
  va_list ap;
  char *out = NULL;

  va_start (ap, fmt);
  if (vasprintf (&out, fmt, ap) < 0)
    out = NULL;
  va_end (ap);
  return out;
}

static unsigned
le16 (const unsigned char *p)
{
  return p[0] | (unsigned)p[1] << 8;
}

static uint32_t
le32 (const unsigned char *p)
{
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64 (const unsigned char *p)
{
  return le32 (p) | (uint64_t)le32 (p + 4) << 32;
}

/* The central directory: where, how long, how many entries. FALSE when the
 * end records cannot be found or do not fit the file. */
static int
find_directory (const attn_zip *zip, uint64_t *cd_offset, uint64_t *cd_size, uint64_t *count)
{
  uint64_t tail = zip->size < 65536 + 22 ? zip->size : 65536 + 22;
  const unsigned char *eocd = NULL;

  if (zip->size < 22)
    return 0;
  for (uint64_t i = zip->size - 22; i + tail >= zip->size; i--)
    {
      if (memcmp (zip->data + i, "PK\x05\x06", 4) == 0)
        {
          eocd = zip->data + i;
          break;
        }
      if (i == 0)
        break;
    }
  if (eocd == NULL)
    return 0;
  *count = le16 (eocd + 10);
  *cd_size = le32 (eocd + 12);
  *cd_offset = le32 (eocd + 16);

  /* Zip64: a locator right before the end record points at a bigger one. */
  if ((uint64_t)(eocd - zip->data) >= 20 && memcmp (eocd - 20, "PK\x06\x07", 4) == 0)
    {
      uint64_t z64 = le64 (eocd - 20 + 8);

      if (z64 > zip->size || zip->size - z64 < 56 || memcmp (zip->data + z64, "PK\x06\x06", 4) != 0)
        return 0;
      *count = le64 (zip->data + z64 + 32);
      *cd_size = le64 (zip->data + z64 + 40);
      *cd_offset = le64 (zip->data + z64 + 48);
    }
  return *cd_offset <= zip->size && *cd_size <= zip->size - *cd_offset;
}

/* Fills one record from its central directory entry at p (len bytes left).
 * Returns the entry's length, 0 when it is malformed. */
static size_t
read_entry (const attn_zip *zip, const unsigned char *p, size_t len, attn_zip_record *r)
{
  size_t name_len, extra_len, comment_len, entry_len;
  uint64_t local;
  const unsigned char *extra;

  if (len < 46 || memcmp (p, "PK\x01\x02", 4) != 0)
    return 0;
  name_len = le16 (p + 28);
  extra_len = le16 (p + 30);
  comment_len = le16 (p + 32);
  entry_len = 46 + name_len + extra_len + comment_len;
  if (entry_len > len)
    return 0;
  r->method = le16 (p + 10);
  r->crc32 = le32 (p + 16);
  r->comp_size = le32 (p + 20);
  r->size = le32 (p + 24);
  local = le32 (p + 42);

  /* Zip64 extended information: only the fields saturated above, in order. */
  extra = p + 46 + name_len;
  for (size_t at = 0; at + 4 <= extra_len;)
    {
      unsigned id = le16 (extra + at), field_len = le16 (extra + at + 2);
      const unsigned char *f = extra + at + 4, *end = f + field_len;

      if (at + 4 + field_len > extra_len)
        return 0;
      if (id == 0x0001)
        {
          if (r->size == 0xffffffffu && f + 8 <= end)
            r->size = le64 (f), f += 8;
          if (r->comp_size == 0xffffffffu && f + 8 <= end)
            r->comp_size = le64 (f), f += 8;
          if (local == 0xffffffffu && f + 8 <= end)
            local = le64 (f);
        }
      at += 4 + field_len;
    }

  r->name = strndup ((const char *)p + 46, name_len);
  if (r->name == NULL)
    return 0;

  /* The data follows the local header, whose extra field (PyTorch's
   * alignment padding) may differ from the central one. */
  if (local > zip->size || zip->size - local < 30 ||
      memcmp (zip->data + local, "PK\x03\x04", 4) != 0)
    r->data_offset = UINT64_MAX;
  else
    r->data_offset = local + 30 + le16 (zip->data + local + 26) + le16 (zip->data + local + 28);
  return entry_len;
}

/* PyTorch stores tensors uncompressed; what it deflates (code, pickles) is
 * small. A compressed record claiming more than this is refused unread. */
#define ATTN_ZIP_MAX_DEFLATED (256ull * 1024 * 1024)

/* CRC-32 of a deflated record, inflated in pieces. -1 when it does not
 * inflate to its stated size. */
static int
inflated_crc (const unsigned char *in, uint64_t in_len, uint64_t size, uint32_t *crc)
{
  z_stream z = { 0 };
  unsigned char buf[65536];
  uint64_t produced = 0;
  int status = Z_OK;

  if (inflateInit2 (&z, -15) != Z_OK)
    return -1;
  *crc = 0;
  while (status == Z_OK)
    {
      uInt chunk = in_len > (1u << 30) ? (1u << 30) : (uInt)in_len;

      if (z.avail_in == 0 && in_len > 0)
        {
          z.next_in = (unsigned char *)in;
          z.avail_in = chunk;
          in += chunk;
          in_len -= chunk;
        }
      z.next_out = buf;
      z.avail_out = sizeof buf;
      status = inflate (&z, Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END)
        break;
      produced += sizeof buf - z.avail_out;
      /* A zip bomb stops here, not after inflating all it expands to. */
      if (produced > size)
        break;
      *crc = libdeflate_crc32 (*crc, buf, sizeof buf - z.avail_out);
      if (status == Z_OK && z.avail_in == 0 && in_len == 0 && z.avail_out != 0)
        break; /* input ran out before the end of the stream */
    }
  inflateEnd (&z);
  return status == Z_STREAM_END && produced == size ? 0 : -1;
}

/* The first record that is out of bounds or fails its checksum, or NULL.
 * With CHECK_CRC false only the bounds are checked (bench/run-all measures
 * what the checksums cost). */
static char *
verify (const attn_zip *zip, int check_crc)
{
  for (size_t i = 0; i < zip->n_records; i++)
    {
      const attn_zip_record *r = &zip->records[i];
      uint32_t crc;

      if (r->data_offset == UINT64_MAX || r->data_offset > zip->size ||
          r->comp_size > zip->size - r->data_offset)
        return printf_dup ("%s lies outside the file", r->name);
      if (r->method == 0 && r->comp_size != r->size)
        return printf_dup ("%s has inconsistent sizes", r->name);
      if (r->method == 8 && r->size > ATTN_ZIP_MAX_DEFLATED)
        return printf_dup ("%s is compressed and too large (%llu bytes)", r->name,
                           (unsigned long long)r->size);
      if (!check_crc)
        continue;
      if (r->method == 0)
        crc = libdeflate_crc32 (0, zip->data + r->data_offset, r->size);
      else if (r->method == 8)
        {
          if (inflated_crc (zip->data + r->data_offset, r->comp_size, r->size, &crc) != 0)
            return printf_dup ("%s does not inflate", r->name);
        }
      else
        return printf_dup ("%s uses an unknown compression method %u", r->name, r->method);
      if (crc != r->crc32)
        return printf_dup ("%s fails its CRC-32 check", r->name);
    }
  return NULL;
}

/* attn_zip_open's way out on failure: *status, *error (message is taken),
 * errno as it was when the failure was found. */
static attn_zip *
refuse (attn_zip *zip,
        attn_zip_status why,
        int saved_errno,
        char *message,
        attn_zip_status *status,
        char **error)
{
  attn_zip_unref (zip);
  if (status != NULL)
    *status = why;
  if (error != NULL)
    *error = message;
  else
    free (message);
  errno = saved_errno;
  return NULL;
}

/* The whole file into zip->data; 0 with errno set (0: the file ended
 * early, truncated since fstat). */
static int
read_whole (attn_zip *zip)
{
  uint64_t at = 0;

  while (at < zip->size)
    {
      uint64_t want = zip->size - at;
      ssize_t got =
          pread (zip->fd, zip->data + at, want < (1u << 30) ? want : (1u << 30), (off_t)at);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          if (got == 0)
            errno = 0;
          return 0;
        }
      at += (uint64_t)got;
    }
  return 1;
}

attn_zip *
attn_zip_open (const char *path, attn_zip_status *status, char **error)
{
  unsigned char head[4];
  attn_zip *zip;
  struct stat st;
  uint64_t cd_offset, cd_size, count, at;
  void *map;

  if (status != NULL)
    *status = ATTN_ZIP_OPENED;
  if (error != NULL)
    *error = NULL;
  zip = calloc (1, sizeof *zip);
  if (zip == NULL)
    return refuse (NULL, ATTN_ZIP_NO_MEMORY, ENOMEM, NULL, status, error);
  zip->refs = 1;
  /* O_NONBLOCK: a FIFO must not block here (it is refused below). */
  zip->fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (zip->fd < 0 || fstat (zip->fd, &st) != 0)
    {
      int saved = errno;

      return refuse (zip, ATTN_ZIP_CANNOT_OPEN, saved,
                     printf_dup ("%s: %s", path, strerror (saved)), status, error);
    }
  if (!S_ISREG (st.st_mode))
    return refuse (zip, ATTN_ZIP_NOT_REGULAR, EINVAL, printf_dup ("%s: not a regular file", path),
                   status, error);
  if (st.st_size == 0)
    return refuse (zip, ATTN_ZIP_EMPTY, EINVAL, printf_dup ("%s: empty", path), status, error);
  if (pread (zip->fd, head, sizeof head, 0) != (ssize_t)sizeof head ||
      memcmp (head, "PK\x03\x04", 4) != 0)
    return refuse (zip, ATTN_ZIP_NOT_ZIP, EINVAL,
                   printf_dup ("%s: does not start with a zip record", path), status, error);
  zip->size = (uint64_t)st.st_size;
  if (zip->size < 22)
    return refuse (zip, ATTN_ZIP_NO_DIRECTORY, EINVAL,
                   printf_dup ("%s: no zip central directory", path), status, error);
  /* A private copy, not a mapping of the file: the tensors live in these
   * pages, and a mapped file truncated under a loaded model is SIGBUS at the
   * next run (rewritten in place, other predictions). In 2 MiB pages where
   * the kernel allows, populated in bulk: this VM's faults are slow. */
  map = mmap (NULL, zip->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED)
    {
      int saved = errno;

      return refuse (zip, ATTN_ZIP_NO_MEMORY, saved,
                     printf_dup ("%s: cannot map: %s", path, strerror (saved)), status, error);
    }
  zip->data = map;
  madvise (zip->data, zip->size, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  madvise (zip->data, zip->size, MADV_POPULATE_WRITE);
#endif
  if (!read_whole (zip))
    {
      int saved = errno;

      return refuse (zip, ATTN_ZIP_CANNOT_OPEN, saved,
                     saved == 0
                         ? printf_dup ("%s: changed while it was read (it became shorter)", path)
                         : printf_dup ("%s: %s", path, strerror (saved)),
                     status, error);
    }
  if (!find_directory (zip, &cd_offset, &cd_size, &count) || count > cd_size / 46 + 1)
    return refuse (zip, ATTN_ZIP_NO_DIRECTORY, EINVAL,
                   printf_dup ("%s: no zip central directory", path), status, error);
  zip->records = calloc (count > 0 ? count : 1, sizeof *zip->records);
  if (zip->records == NULL)
    return refuse (zip, ATTN_ZIP_NO_MEMORY, ENOMEM, NULL, status, error);
  at = cd_offset;
  for (uint64_t i = 0; i < count; i++)
    {
      size_t used = read_entry (zip, zip->data + at, cd_offset + cd_size - at, &zip->records[i]);

      if (used == 0)
        return refuse (zip, ATTN_ZIP_NO_DIRECTORY, EINVAL,
                       printf_dup ("%s: malformed zip central directory", path), status, error);
      zip->n_records++;
      at += used;
    }
  /* ATTENTION_BENCH_SKIP_CRC=1 only lets bench/run-all measure what the
   * check costs; nothing else sets it. */
  zip->damage = verify (zip, getenv ("ATTENTION_BENCH_SKIP_CRC") == NULL);
  return zip;
}

attn_zip *
attn_zip_ref (attn_zip *zip)
{
  if (zip != NULL)
    __atomic_add_fetch (&zip->refs, 1, __ATOMIC_RELAXED);
  return zip;
}

void
attn_zip_unref (attn_zip *zip)
{
  if (zip == NULL || __atomic_sub_fetch (&zip->refs, 1, __ATOMIC_ACQ_REL) != 0)
    return;
  if (zip->data != NULL)
    munmap (zip->data, zip->size);
  if (zip->fd >= 0)
    close (zip->fd);
  for (size_t i = 0; i < zip->n_records; i++)
    free (zip->records[i].name);
  free (zip->records);
  free (zip->damage);
  free (zip);
}

const char *
attn_zip_damage (const attn_zip *zip)
{
  return zip->damage;
}

unsigned char *
attn_zip_data (const attn_zip *zip)
{
  return zip->data;
}

uint64_t
attn_zip_size (const attn_zip *zip)
{
  return zip->size;
}

int
attn_zip_fd (const attn_zip *zip)
{
  return zip->fd;
}

size_t
attn_zip_n_records (const attn_zip *zip)
{
  return zip->n_records;
}

const attn_zip_record *
attn_zip_get_record (const attn_zip *zip, size_t i)
{
  return i < zip->n_records ? &zip->records[i] : NULL;
}

int
attn_zip_detach (attn_zip *zip)
{
  /* The pages are the process's own since attn_zip_open read the file into
   * anonymous memory: nothing to break away from. */
  (void)zip;
  return 0;
}
