// https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface SharedProviderConfig {
  /**
  * PEM certificates to trust for an `https://` endpoint, or the path of a file holding them.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs#ca_bundle SharedProvider#ca_bundle}
  */
  readonly caBundle?: string;
  /**
  * URL of the control agent, e.g. `http://127.0.0.1:7480`. Falls back to the `SHAREDLVM_ENDPOINT` environment variable.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs#endpoint SharedProvider#endpoint}
  */
  readonly endpoint?: string;
  /**
  * Timeout of one HTTP request to the agent, as a duration (default `2m`). Operations as a whole follow the resources' `timeouts` blocks.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs#request_timeout SharedProvider#request_timeout}
  */
  readonly requestTimeout?: string;
  /**
  * Bearer token for the agent. Falls back to the `SHAREDLVM_TOKEN` environment variable.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs#token SharedProvider#token}
  */
  readonly token?: string;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs#alias SharedProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs shared}
*/
export class SharedProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "shared";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a SharedProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the SharedProvider to import
  * @param importFromId The id of the existing SharedProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the SharedProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "shared", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/sharedlvm/shared-lvm/latest/docs shared} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options SharedProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: SharedProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'shared',
      terraformGeneratorMetadata: {
        providerName: 'shared-lvm',
        providerVersionConstraint: '~> 0.1'
      },
      terraformProviderSource: 'sharedlvm/shared-lvm'
    });
    this._caBundle = config.caBundle;
    this._endpoint = config.endpoint;
    this._requestTimeout = config.requestTimeout;
    this._token = config.token;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // ca_bundle - computed: false, optional: true, required: false
  private _caBundle?: string; 
  public get caBundle() {
    return this._caBundle;
  }
  public set caBundle(value: string | undefined) {
    this._caBundle = value;
  }
  public resetCaBundle() {
    this._caBundle = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get caBundleInput() {
    return this._caBundle;
  }

  // endpoint - computed: false, optional: true, required: false
  private _endpoint?: string; 
  public get endpoint() {
    return this._endpoint;
  }
  public set endpoint(value: string | undefined) {
    this._endpoint = value;
  }
  public resetEndpoint() {
    this._endpoint = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get endpointInput() {
    return this._endpoint;
  }

  // request_timeout - computed: false, optional: true, required: false
  private _requestTimeout?: string; 
  public get requestTimeout() {
    return this._requestTimeout;
  }
  public set requestTimeout(value: string | undefined) {
    this._requestTimeout = value;
  }
  public resetRequestTimeout() {
    this._requestTimeout = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get requestTimeoutInput() {
    return this._requestTimeout;
  }

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      ca_bundle: cdktf.stringToTerraform(this._caBundle),
      endpoint: cdktf.stringToTerraform(this._endpoint),
      request_timeout: cdktf.stringToTerraform(this._requestTimeout),
      token: cdktf.stringToTerraform(this._token),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      ca_bundle: {
        value: cdktf.stringToHclTerraform(this._caBundle),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      endpoint: {
        value: cdktf.stringToHclTerraform(this._endpoint),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      request_timeout: {
        value: cdktf.stringToHclTerraform(this._requestTimeout),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
