// Attribute plan modifiers, as in terraform-plugin-framework: they run on PlanResourceChange for
// updates, after the framework has marked computed attributes unknown.
import { Unknown, valuesEqual, type TfValue } from '../plugin/values.js';

export interface PlanModifierRequest {
  config: TfValue;
  state: TfValue;
  plan: TfValue;
}

export interface PlanModifierResult {
  plan?: TfValue;
  requiresReplace?: boolean;
}

export interface PlanModifier {
  description: string;
  modify(req: PlanModifierRequest): PlanModifierResult;
}

/** A change of this attribute destroys and re-creates the resource ("# forces replacement"). */
export function requiresReplace(): PlanModifier {
  return {
    description: 'Changing this forces a new resource to be created.',
    modify: ({ plan, state }) => ({ requiresReplace: !valuesEqual(plan, state) }),
  };
}

/** Keeps the prior value of a computed attribute instead of "(known after apply)" on updates. */
export function useStateForUnknown(): PlanModifier {
  return {
    description: 'The value does not change after creation.',
    modify: ({ plan, state }) => (plan === Unknown && state !== null ? { plan: state } : {}),
  };
}
