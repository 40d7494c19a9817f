import requests

url = "https://in1.api.clevertap.com/1/disassociate/"

payload = "{\"d\": [{\"type\": \"phone\", \"value\": \"+919213231415\"},{\"type\": \"phone\",\"value\": \"+919213231416\"}]}"
headers = {
  'Content-Type': 'application/json',
  'X-CleverTap-Account-Id': 'WWW-WWW-WWRZ',
  'X-CleverTap-Passcode': 'ICW-QKE-YSGL'
}

response = requests.request("POST", url, headers=headers, data = payload)

print(response.text.encode('utf8').decode())
