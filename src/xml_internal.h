/*
 * What the xml form's reader and writer share: the namespace, the names
 * with a meaning of their own, and the characters XML 1.0 cannot hold.
 * docs/xml.md describes the form; schemas/agent.xsd is its schema.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_XML_INTERNAL_H
#define AGENTCONV_XML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/** The namespace of every element of the form. */
#define ACP_XML_NS "urn:agentconv:agent:1"

/** The element and attribute names the form gives a meaning. */
#define ACP_XML_ROOT "agent"
#define ACP_XML_COLLECTION "agents" /* the root of a collection */
#define ACP_XML_INSTRUCTIONS "instructions"
#define ACP_XML_ITEM "item"
#define ACP_XML_FIELD "field"
#define ACP_XML_CHAR "c"
#define ACP_XML_TYPE "type"
#define ACP_XML_KEY "key"
#define ACP_XML_KEY_HEX "key-hex"
#define ACP_XML_CODE "code"

/**
 * True for the code points XML 1.0 cannot carry in a document at all, not
 * even as a character reference, other than NUL (which the model never
 * holds): U+0001-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF.
 * In text they are written <c code="N"/>, in keys through key-hex.
 */
static inline bool acp_xml_char_forbidden(uint32_t cp)
{
    if (cp < 0x20)
        return cp != 0 && cp != 0x09 && cp != 0x0a && cp != 0x0d;
    return cp == 0xfffe || cp == 0xffff;
}

/** The xml form's writer (xml_write.c). */
ac_status acp_xml_write(ac_context *ctx, const ac_format *format,
                        const ac_doc *doc, ac_buf *out, ac_error *error);

/**
 * The xml form's writer of collections (xml_write.c): a root <agents>
 * holding one <agent> per document, each written as acp_xml_write writes
 * its root, indented one level. An error names the agent it happened in.
 */
ac_status acp_xml_write_many(ac_context *ctx, const ac_format *format,
                             ac_doc *const *docs, size_t count, ac_buf *out,
                             ac_error *error);

#endif /* AGENTCONV_XML_INTERNAL_H */
