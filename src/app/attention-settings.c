/* attention-settings.c: the application's settings (see the header). */

#include "attention-settings.h"

GSettings *
attention_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  static gsize warned = 0;

  /* Running from the build tree without GSETTINGS_SCHEMA_DIR must not abort
   * (g_settings_new would), so look the schema up first. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      if (g_once_init_enter (&warned))
        {
          g_warning ("GSettings schema %s not found; settings will not be remembered "
                     "(set GSETTINGS_SCHEMA_DIR or install the application)",
                     APP_ID);
          g_once_init_leave (&warned, 1);
        }
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}
