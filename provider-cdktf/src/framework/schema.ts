// Schemas shaped like terraform-plugin-framework's: attributes with descriptions (they feed the
// registry-style docs and the CDKTF bindings), nested blocks, plan modifiers, validators, defaults.
import {
  Schema_NestedBlock_NestingMode,
  StringKind,
  type Schema,
  type Schema_Attribute,
  type Schema_Block,
} from '../plugin/generated/tfplugin6.js';
import type { TfType, TfValue } from '../plugin/values.js';
import type { PlanModifier } from './plan-modifiers.js';
import type { Validator } from './validators.js';

export interface AttributeDef {
  type: TfType;
  /** Markdown; the first sentence is the docs' one-line summary. */
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** Value planned when the configuration leaves an optional+computed attribute null. */
  default?: TfValue;
  planModifiers?: PlanModifier[];
  validators?: Validator[];
}

export interface NestedBlockDef {
  /** `single`: at most one block, null when absent; `list`: a list, [] when absent. */
  nesting: 'single' | 'list';
  description: string;
  attributes: Record<string, AttributeDef>;
  maxItems?: number;
}

export interface SchemaDef {
  version: number;
  description: string;
  attributes: Record<string, AttributeDef>;
  blocks?: Record<string, NestedBlockDef>;
}

export function blockObjectType(block: { attributes: Record<string, AttributeDef>; blocks?: Record<string, NestedBlockDef> }): TfType {
  const attrs: Record<string, TfType> = {};
  for (const [name, a] of Object.entries(block.attributes)) attrs[name] = a.type;
  for (const [name, b] of Object.entries(block.blocks ?? {})) {
    const inner = blockObjectType(b);
    attrs[name] = b.nesting === 'single' ? inner : ['list', inner];
  }
  return ['object', attrs];
}

function attributeToProto(name: string, a: AttributeDef): Schema_Attribute {
  return {
    name,
    type: Buffer.from(JSON.stringify(a.type)),
    description: a.description,
    descriptionKind: StringKind.MARKDOWN,
    required: a.required === true,
    optional: a.optional === true,
    computed: a.computed === true,
    sensitive: a.sensitive === true,
  };
}

function blockToProto(
  block: { description: string; attributes: Record<string, AttributeDef>; blocks?: Record<string, NestedBlockDef> },
  version = 0,
): Schema_Block {
  return {
    version,
    description: block.description,
    descriptionKind: StringKind.MARKDOWN,
    attributes: Object.entries(block.attributes).map(([n, a]) => attributeToProto(n, a)),
    blockTypes: Object.entries(block.blocks ?? {}).map(([typeName, b]) => ({
      typeName,
      nesting: b.nesting === 'single' ? Schema_NestedBlock_NestingMode.SINGLE : Schema_NestedBlock_NestingMode.LIST,
      maxItems: b.nesting === 'single' ? 0 : (b.maxItems ?? 0),
      block: blockToProto(b),
    })),
  };
}

export function schemaToProto(schema: SchemaDef): Schema {
  return { version: schema.version, block: blockToProto(schema, schema.version) };
}
