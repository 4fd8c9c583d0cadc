/* attn-spm.cpp: the module behind attn-spm.h (attn-spm-module.h says why
 * it is a module). */

#include "attn-spm-module.h"

#include <sentencepiece_processor.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

struct AttnSpm
{
  sentencepiece::SentencePieceProcessor processor;
};

namespace
{

void
set_error (char **error, const std::string &message)
{
  if (error != nullptr)
    *error = strdup (message.c_str ());
}

} /* namespace */

static AttnSpm *
spm_load (const char *data, size_t len, char **error)
{
  try
    {
      AttnSpm *spm = new AttnSpm;
      auto status = spm->processor.LoadFromSerializedProto (absl::string_view (data, len));

      if (!status.ok ())
        {
          set_error (error, status.ToString ());
          delete spm;
          return nullptr;
        }
      return spm;
    }
  catch (const std::exception &e)
    {
      set_error (error, e.what ());
      return nullptr;
    }
}

static void
spm_free (AttnSpm *spm)
{
  delete spm;
}

static int
spm_size (const AttnSpm *spm)
{
  return spm->processor.GetPieceSize ();
}

static const char *
spm_piece (const AttnSpm *spm, int id)
{
  return spm->processor.IdToPiece (id).c_str ();
}

static int
spm_is_control (const AttnSpm *spm, int id)
{
  return spm->processor.IsControl (id);
}

static int
spm_unk_id (const AttnSpm *spm)
{
  return spm->processor.unk_id ();
}

static AttnSpmPiece *
spm_encode (const AttnSpm *spm, const char *text, size_t len, size_t *n_pieces, char **error)
{
  try
    {
      sentencepiece::ImmutableSentencePieceText encoded;
      auto status = spm->processor.Encode (absl::string_view (text, len), encoded.mutable_proto ());
      size_t n;
      AttnSpmPiece *out;

      if (!status.ok ())
        {
          set_error (error, status.ToString ());
          return nullptr;
        }
      n = encoded.pieces_size ();
      /* One more, so that an empty encoding is not a NULL array. */
      out = static_cast<AttnSpmPiece *> (calloc (n + 1, sizeof (AttnSpmPiece)));
      if (out == nullptr)
        {
          set_error (error, strerror (ENOMEM));
          return nullptr;
        }
      for (size_t i = 0; i < n; i++)
        {
          auto piece = encoded.pieces ((int)i);

          out[i].id = (int)piece.id ();
          out[i].begin = piece.begin ();
          out[i].end = piece.end ();
        }
      *n_pieces = n;
      return out;
    }
  catch (const std::exception &e)
    {
      set_error (error, e.what ());
      return nullptr;
    }
}

extern "C" __attribute__ ((visibility ("default"))) const AttnSpmModuleApi *
attn_spm_module_get_api (void)
{
  static const AttnSpmModuleApi api = {
    ATTN_SPM_MODULE_ABI, spm_load,       spm_free,   spm_size,
    spm_piece,           spm_is_control, spm_unk_id, spm_encode,
  };

  return &api;
}
