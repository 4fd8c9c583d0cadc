/* attn-zip.h: a model bundle's zip archive, read into private memory (never
 * a mapping of the file, which a truncation turns into SIGBUS under a loaded
 * model) and checked. Plain C, no
 * libtorch and no GLib: the program opens and verifies the file on a second
 * thread while the shim module (and libtorch) loads, and hands the result to
 * the shim, whose tensors then point straight into the mapping instead of
 * into freshly faulted copies (docs/benchmarks.md, "Model load").
 *
 * Both the program and the shim module link this file; the handle crosses
 * between them, so they must come from the same build (the module ABI number
 * in attn-shim-module.h guards that). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct attn_zip attn_zip;

  typedef struct
  {
    char *name;
    uint64_t data_offset; /* of the record's (stored or deflated) bytes */
    uint64_t comp_size;   /* bytes in the file */
    uint64_t size;        /* bytes once extracted */
    uint32_t crc32;       /* of the extracted bytes, from the central directory */
    unsigned method;      /* 0 stored, 8 deflated */
  } attn_zip_record;

  /* Why attn_zip_open returned NULL. */
  typedef enum
  {
    ATTN_ZIP_OPENED,
    ATTN_ZIP_CANNOT_OPEN, /* open() or fstat() failed: errno says why */
    ATTN_ZIP_NOT_REGULAR, /* a folder, a FIFO, a device… */
    ATTN_ZIP_EMPTY,
    ATTN_ZIP_NOT_ZIP,      /* it does not start as a zip archive does */
    ATTN_ZIP_NO_DIRECTORY, /* no readable central directory: cut short or damaged */
    ATTN_ZIP_NO_MEMORY,    /* the mapping or the record table failed */
  } attn_zip_status;

  /* Maps the file (private, writable copy-on-write), reads its central
   * directory, pre-faults the pages and checks every record's CRC-32. NULL,
   * *status (and errno for ATTN_ZIP_CANNOT_OPEN) and a reason in *error
   * (malloc()ed) when the file cannot be mapped or is not a zip archive this
   * reader understands; status and error may be NULL. A zip whose records do
   * not match their checksums (or lie outside the file) is returned, with
   * attn_zip_damage() saying which. */
  attn_zip *attn_zip_open (const char *path, attn_zip_status *status, char **error);
  attn_zip *attn_zip_ref (attn_zip *zip);
  /* The mapping lives until the last reference goes. */
  void attn_zip_unref (attn_zip *zip);

  /* NULL for an intact archive, else the first problem ("data/3: CRC-32
   * mismatch"), owned by the zip. */
  const char *attn_zip_damage (const attn_zip *zip);

  /* The whole file's bytes, in this process's own anonymous memory, and its
   * size. */
  unsigned char *attn_zip_data (const attn_zip *zip);
  uint64_t attn_zip_size (const attn_zip *zip);
  /* An open descriptor of the file, for reads of the file's own bytes. */
  int attn_zip_fd (const attn_zip *zip);

  size_t attn_zip_n_records (const attn_zip *zip);
  const attn_zip_record *attn_zip_get_record (const attn_zip *zip, size_t i);

  /* Once made every page of a file mapping the process's own; the bytes are
   * a private copy from the start now, so it has nothing to do. Returns 0. */
  int attn_zip_detach (attn_zip *zip);

#ifdef __cplusplus
}
#endif
