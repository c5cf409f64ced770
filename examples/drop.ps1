<#
.SYNOPSIS
Drops a PDF into an mdspool inbox (for example on an SMB share) following docs/protocol.md.

.DESCRIPTION
Copies the PDF into the inbox under a temporary name and renames it, then writes the sidecar the
same way, last. With -Wait, waits for the receipt and prints it; exits 0 for a job (created or
replayed), 1 when refused, 3 on timeout.

.EXAMPLE
pwsh drop.ps1 -Root \\server\mdspool -Pdf .\invoice.pdf -Key invoice-2024-0042 -Wait
#>
param(
    [Parameter(Mandatory = $true)][string]$Root,
    [Parameter(Mandatory = $true)][string]$Pdf,
    [string]$Key,
    [string]$Scope = "default",
    [switch]$Pin,
    [switch]$Wait,
    [int]$TimeoutSeconds = 60
)
$ErrorActionPreference = "Stop"

$inbox = Join-Path $Root "inbox"
if (-not (Test-Path -LiteralPath $inbox -PathType Container)) { Write-Error "no inbox at $inbox"; exit 2 }
$name = Split-Path -Leaf $Pdf

$sidecar = [ordered]@{}
if ([string]::IsNullOrEmpty($Key)) {
    $Key = "sha256-" + (Get-FileHash -LiteralPath $Pdf -Algorithm SHA256).Hash.ToLowerInvariant()
    $Scope = "default"
} else {
    $sidecar.key = $Key
    $sidecar.scope = $Scope
}
if ($Pin) { $sidecar.pin = $true }

# The PDF under a temporary name, then renamed into place.
$tmp = Join-Path $inbox ".$name.part"
Copy-Item -LiteralPath $Pdf -Destination $tmp -Force
Move-Item -LiteralPath $tmp -Destination (Join-Path $inbox $name) -Force

# The sidecar last, the same way (UTF-8 without BOM).
$tmp = Join-Path $inbox ".$name.idem.part"
$json = if ($sidecar.Count -gt 0) { $sidecar | ConvertTo-Json -Compress } else { "" }
[System.IO.File]::WriteAllText($tmp, $json, (New-Object System.Text.UTF8Encoding $false))
Move-Item -LiteralPath $tmp -Destination (Join-Path $inbox "$name.idem") -Force

if (-not $Wait) { Write-Output "dropped $name (key $Scope/$Key)"; exit 0 }

$receipt = Join-Path (Join-Path (Join-Path $Root "receipts") $Scope) "$Key.json"
$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
while ((Get-Date) -lt $deadline) {
    if (Test-Path -LiteralPath $receipt) {
        try { $r = Get-Content -LiteralPath $receipt -Raw | ConvertFrom-Json } catch { Start-Sleep -Milliseconds 250; continue }
        $r | ConvertTo-Json -Depth 5
        if ($r.status -eq "rejected") { exit 1 } else { exit 0 }
    }
    Start-Sleep -Milliseconds 250
}
Write-Error "no receipt after $TimeoutSeconds s: $receipt"
exit 3
