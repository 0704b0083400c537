import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class BelegflussApi implements ICredentialType {
	name = 'belegflussApi';

	displayName = 'Belegfluss API';

	icon: Icon = { light: 'file:../icons/belegfluss.svg', dark: 'file:../icons/belegfluss.dark.svg' };

	documentationUrl = 'https://github.com/belegfluss/belegfluss/tree/main/n8n_nodes#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:8000',
			placeholder: 'http://belegfluss:8000',
			description: 'Address of the Belegfluss sidecar, as n8n reaches it',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'An API key issued by the Belegfluss sidecar',
			required: true,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// `/healthz` answers without a key, so the test asks an endpoint that checks it.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v1/auth/check',
			method: 'GET',
		},
	};
}
