"""Direct SIP: a PBX or SIP trunk calls Execora over SIP/RTP (PJSIP's pjsua2), served by the one call core."""
